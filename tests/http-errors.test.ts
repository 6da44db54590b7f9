// Every error a client can cause is an OperationOutcome with the right status, and never a 5xx.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ MAX_BODY_BYTES: '20000' });
});
after(async () => {
  await s.close();
});

const isOutcome = (body: { resourceType?: string; issue?: { diagnostics?: string }[] }) =>
  body.resourceType === 'OperationOutcome' && (body.issue?.[0]?.diagnostics ?? '').length > 0;

test('numbers too large for any decimal are 400, not stored as null', async () => {
  const res = await s.http
    .post('/fhir/Observation')
    .set('Content-Type', FHIR_JSON)
    .send('{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1e400}}');
  assert.equal(res.status, 400);
  assert.match(res.body.issue[0].diagnostics, /too large/);
});

test('malformed JSON is 400', async () => {
  const res = await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send('{"resourceType": "Patient",');
  assert.equal(res.status, 400);
  assert.ok(isOutcome(res.body));
  assert.match(res.body.issue[0].diagnostics, /not valid JSON/);
});

test('wrong method on an existing path is 405 with Allow', async () => {
  const res = await s.http.post('/fhir/Patient/123');
  assert.equal(res.status, 405);
  assert.ok(isOutcome(res.body));
  assert.match(res.headers.allow, /GET/);
  assert.match(res.headers.allow, /PUT/);
  assert.equal((await s.http.delete('/fhir/metadata')).status, 405);
});

test('a body over the limit is 413, an unsupported Content-Type 415, XML responses 406', async () => {
  const big = patient({ name: [{ family: 'x'.repeat(30_000) }] });
  const tooLarge = await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(big));
  assert.equal(tooLarge.status, 413);
  assert.ok(isOutcome(tooLarge.body));
  const xml = await s.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+xml').send('<Patient xmlns="http://hl7.org/fhir"/>');
  assert.equal(xml.status, 415);
  assert.ok(isOutcome(xml.body));
  const accept = await s.http.get('/fhir/metadata').set('Accept', 'application/fhir+xml');
  assert.equal(accept.status, 406);
  assert.ok(isOutcome(accept.body));
  assert.equal((await s.http.get('/fhir/metadata?_format=xml')).status, 406);
  assert.equal((await s.http.get('/fhir/metadata?_format=json')).status, 200);
  assert.equal((await s.http.get('/fhir/metadata').set('Accept', 'text/html, application/fhir+json;q=0.9')).status, 200);
});

test('invalid resources are 400 with the offending element in expression, and nothing is stored', async () => {
  const cases: [unknown, RegExp][] = [
    [{ resourceType: 'Patient', birthDate: '1980-13-45' }, /Patient\.birthDate/],
    [{ resourceType: 'Patient', gender: 'banana' }, /Patient\.gender/],
    [{ resourceType: 'Patient', active: 'yes' }, /Patient\.active/],
    [{ resourceType: 'Patient', unknownThing: 1 }, /Patient\.unknownThing/],
    [{ resourceType: 'Observation', status: 'final' }, /Observation\.code/],
  ];
  const before = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource');
  for (const [body, expression] of cases) {
    const type = (body as { resourceType: string }).resourceType;
    const res = await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.ok(isOutcome(res.body));
    assert.match(res.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []).join(' '), expression);
  }
  const afterRows = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource');
  assert.equal(afterRows[0].n, before[0].n);
});

test('paths outside the API are 404 OperationOutcomes', async () => {
  const res = await s.http.get('/nothing-here');
  assert.equal(res.status, 404);
  assert.ok(isOutcome(res.body));
  assert.equal((await s.http.get('/fhir/Patient/1/_history/1/extra')).status, 404);
});

test('no input of any kind yields a 5xx', async () => {
  const bodies = [
    '',
    'null',
    '[]',
    '"x"',
    '42',
    '{}',
    '{"resourceType":5}',
    '{"resourceType":"Bundle","type":"transaction","entry":"x"}',
    '{"resourceType":"Bundle","type":"transaction","entry":[null, 1, {"request":{}}]}',
    '{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"PATCH","url":"Patient/1"},"resource":{"resourceType":"Binary","data":"@@"}}]}',
    '{"resourceType":"Patient","id":"../../etc"}',
    '{"resourceType":"Patient","name":[{"given":[1,2]}]}',
    '\u0000\u0001',
  ];
  const paths = [
    '/fhir',
    '/fhir/Patient',
    '/fhir/Patient/x',
    '/fhir/Patient/_search',
    '/fhir/Patient/x/_history/abc',
    '/fhir/Patient?name:weird=1',
    '/fhir/Patient?birthdate=notadate',
    '/fhir/Patient?_count=abc',
    '/fhir/%ZZ',
    '/fhir/Patient/%00',
  ];
  const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
  for (const path of paths) {
    for (const method of methods) {
      for (const body of method === 'get' || method === 'delete' ? [''] : bodies) {
        const req = s.http[method](path);
        const res = body
          ? await req.set('Content-Type', method === 'patch' ? 'application/json-patch+json' : FHIR_JSON).send(body)
          : await req;
        assert.ok(res.status < 500, `${method.toUpperCase()} ${path} ${body} -> ${res.status} ${res.text.slice(0, 200)}`);
        if (res.status >= 400) assert.ok(isOutcome(res.body), `${method} ${path} answers an OperationOutcome`);
      }
    }
  }
});

test('a resource larger than the database can store in one packet is 413, and nothing is stored', async () => {
  // The body limit stays above the resource, whatever max_allowed_packet this database has (Debian's 16 MiB or more).
  const big = await startTestServer({ MAX_BODY_BYTES: String(1024 * 1024 * 1024) });
  try {
    const [{ packet }] = await big.sql<{ packet: number }[]>('SELECT @@max_allowed_packet AS packet');
    const stored = async () => Number((await big.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM resource WHERE res_type = 'Basic'"))[0].n);
    const res = await big.http
      .post('/fhir/Basic')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Basic', code: { text: 'x'.repeat(Number(packet)) } }));
    assert.equal(res.status, 413);
    assert.match(res.body.issue[0].diagnostics, /stores resources of up to/);
    assert.equal(await stored(), 0);
  } finally {
    await big.close();
  }
});
