// history against the in-memory repository: instance, type and system level, newest first, with _since, _at and
// paging links. https://hl7.org/fhir/R4/http.html#history
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { call, diagnostics } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const history = async (target: string) => (await call<Bundle>(ctx, 'GET', target)).body!;
const nextOf = (b: Bundle) => b.link?.find((l) => l.relation === 'next')?.url;

test('instance history lists every version newest first, the deletion included, with its total', async () => {
  await call(ctx, 'PUT', 'Patient/h1', { body: { resourceType: 'Patient', id: 'h1' } });
  await call(ctx, 'PUT', 'Patient/h1', { body: { resourceType: 'Patient', id: 'h1', active: true } });
  await call(ctx, 'DELETE', 'Patient/h1');
  const b = await history('Patient/h1/_history');
  assert.equal(b.type, 'history');
  assert.equal(b.total, 3);
  assert.deepEqual(
    b.entry!.map((e) => [e.request?.method, e.response?.status, e.response?.etag]),
    [
      ['DELETE', '204', 'W/"3"'],
      ['PUT', '200', 'W/"2"'],
      ['PUT', '201', 'W/"1"'],
    ],
  );
  assert.equal(b.entry![0].resource, undefined);
});

test('type and system history page with a next link until the end', async () => {
  for (let i = 0; i < 5; i++)
    await call(ctx, 'POST', 'Observation', { body: { resourceType: 'Observation', status: 'final', code: { text: `o${i}` } } });
  const seen: string[] = [];
  let page = await history('Observation/_history?_count=2');
  for (;;) {
    seen.push(...page.entry!.map((e) => e.resource!.id!));
    const next = nextOf(page);
    if (!next) break;
    page = await history(next.slice(`${ctx.baseUrl}/`.length));
  }
  assert.equal(seen.length, 5);
  assert.equal(new Set(seen).size, 5);
  const system = await history('_history?_count=100');
  assert.equal(system.entry!.length, 8);
});

test('_since keeps later versions, _at the versions current at that time', async () => {
  await call(ctx, 'PUT', 'Patient/h2', { body: { resourceType: 'Patient', id: 'h2' } });
  const between = (await call(ctx, 'GET', 'Patient/h2')).body!.meta!.lastUpdated!;
  await new Promise((r) => setTimeout(r, 5));
  await call(ctx, 'PUT', 'Patient/h2', { body: { resourceType: 'Patient', id: 'h2', active: true } });
  const since = await history(`Patient/h2/_history?_since=${encodeURIComponent(new Date(Date.parse(between) + 1).toISOString())}`);
  assert.deepEqual(
    since.entry!.map((e) => e.response?.etag),
    ['W/"2"'],
  );
  const at = await history(`Patient/h2/_history?_at=${encodeURIComponent(between)}`);
  assert.deepEqual(
    at.entry!.map((e) => e.response?.etag),
    ['W/"1"'],
  );
});

test('an unknown id is 404; an unknown parameter, a bad date or a bad cursor 400', async () => {
  assert.equal((await call(ctx, 'GET', 'Patient/none/_history')).status, 404);
  const unknown = await call(ctx, 'GET', 'Patient/_history?_sort=x');
  assert.equal(unknown.status, 400);
  assert.match(diagnostics(unknown), /_sort/);
  assert.equal((await call(ctx, 'GET', '_history?_since=yesterday')).status, 400);
  assert.equal((await call(ctx, 'GET', '_history?_cursor=nonsense')).status, 400);
});
