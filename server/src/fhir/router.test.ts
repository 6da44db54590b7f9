// The router: a FhirRequest reaches its interaction by the route table, what matches no route is refused with the
// right status, and the authorize hook sees every request (and every batch entry) before it runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutcomeError, outcome, issue } from '../core/outcomes.js';
import type { InteractionTarget } from './fhir-request.js';
import type { WearablePort } from './operations/import-wearable/wearable-port.js';
import { wearableRoutes } from './operations/wearable-routes.js';
import { FhirRouter } from './router.js';
import { FHIR_ROUTES } from './routes.js';
import { call, diagnostics } from '../testing/fhir-call.js';
import { memoryContext } from '../testing/memory-context.js';

const ctx = memoryContext();

test('unknown types, routes and methods, and bad ids are refused with their status', async () => {
  const type = await call(ctx, 'GET', 'Patientx/1');
  assert.equal(type.status, 404);
  assert.match(diagnostics(type), /Patientx/);
  assert.equal((await call(ctx, 'GET', 'Patient/1/_history/1/more')).status, 404);
  const method = await call(ctx, 'POST', 'Patient/1');
  assert.equal(method.status, 405);
  assert.match(diagnostics(method), /POST/);
  const id = await call(ctx, 'GET', 'Patient/a%20b'.replace('%20', ' '));
  assert.equal(id.status, 400);
  assert.match(diagnostics(id), /not a valid resource id/);
  assert.equal((await call(ctx, 'GET', 'Patient/$nonsense')).status, 404);
});

test('a conditional update or delete without criteria is refused; with criteria it takes the conditional route', async () => {
  const del = await call(ctx, 'DELETE', 'Patient');
  assert.equal(del.status, 400);
  assert.match(diagnostics(del), /needs search criteria/);
  assert.equal((await call(ctx, 'DELETE', 'Patient?_format=json')).status, 400);
  assert.equal((await call(ctx, 'DELETE', 'Patient?identifier=urn:x|1')).status, 204);
});

test('HEAD is routed as GET', async () => {
  await call(ctx, 'PUT', 'Patient/h', { body: { resourceType: 'Patient', id: 'h' } });
  assert.equal((await call(ctx, 'HEAD', 'Patient/h')).status, 200);
});

test('the authorize hook sees each request and each batch entry with its target, and its refusal stops it', async () => {
  const seen: InteractionTarget[] = [];
  const guarded = {
    ...ctx,
    authorize(_req: unknown, target: InteractionTarget) {
      seen.push(target);
      if (target.type === 'Observation')
        throw new OutcomeError('forbidden', outcome(issue({ code: 'forbidden', diagnostics: 'no Observations for you' })));
    },
  };
  assert.equal((await call(guarded, 'GET', 'Patient/h')).status, 200);
  assert.equal((await call(guarded, 'GET', 'Observation?code=x')).status, 403);
  assert.equal((await call(guarded, 'GET', 'Patient/h/Observation')).status, 200);
  const batch = await call(guarded, 'POST', '', {
    body: { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Observation/1' } }] },
  });
  assert.equal((batch.body as unknown as { entry: { response: { status: string } }[] }).entry[0].response.status, '403');
  assert.deepEqual(
    seen.map((t) => [t.interaction, t.type, t.id, t.compartmentType]),
    [
      ['read', 'Patient', 'h', ''],
      ['search-type', 'Observation', '', ''],
      ['search-type', 'Patient', 'h', 'Observation'],
      ['transaction', '', '', ''],
      ['read', 'Observation', '1', ''],
    ],
  );
  // A transaction checks every entry before the first runs: nothing is stored.
  const tx = await call(guarded, 'POST', '', {
    body: {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    },
  });
  assert.equal(tx.status, 403);
  assert.match(diagnostics(tx), /^Bundle\.entry\[1\]/);
});

test('operations are routed by name, with the type they apply to', async () => {
  const seen: InteractionTarget[] = [];
  const guarded = { ...ctx, authorize: (_req: unknown, target: InteractionTarget) => void seen.push(target) };
  await call(guarded, 'GET', 'Observation/$lastn?code=x');
  assert.deepEqual(
    seen.map((t) => [t.interaction, t.type, t.operation]),
    [['operation', 'Observation', 'lastn']],
  );
  // Routes registered from outside fhir/ (the wearable operations) say whether they read the body as a stream;
  // the port is never called by the route table.
  const router = new FhirRouter(FHIR_ROUTES);
  router.register(wearableRoutes({} as WearablePort));
  assert.equal(router.streamsBody('POST', 'Patient/1/$import-wearable'), true);
  assert.equal(router.streamsBody('POST', 'Patient'), false);
});
