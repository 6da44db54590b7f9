// A Binary whose securityContext is another Binary (https://hl7.org/fhir/R4/binary.html#security) is reached as the
// end of the chain is: the access policy follows it link by link (at most 5 links, never round a cycle) on read,
// search, _include, $export and writes, with tokens that must be refused (another patient's, too few scopes, none).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { as, assertForbidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';
import { downloadAll, kickOff, manifestOf } from './support/bulk-export.js';
import { pdf } from './support/binary-documents.js';

let f: Fixture;
/** Binary ids: ofA (Patient/a), ofB (Patient/b), viaA -> ofA, viaB -> ofB, hop1..hop4 a chain down to ofA. */
const bin: Record<string, string> = {};

const upload = (token: string, context?: string) =>
  f.server.http
    .post('/fhir/Binary')
    .set({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/pdf', ...(context ? { 'X-Security-Context': context } : {}) })
    .send(pdf(4));

async function stored(name: string, context: string): Promise<void> {
  const res = await upload(f.system, context);
  assert.equal(res.status, 201, res.text);
  bin[name] = res.body.id;
}

before(async () => {
  f = await startFixture({ BINARY_INLINE_MAX_BYTES: '512', EXPORT_SETTLE_MS: '50', EXPORT_POLL_MS: '200' });
  await stored('ofA', 'Patient/a');
  await stored('ofB', 'Patient/b');
  await stored('viaA', `Binary/${bin.ofA}`);
  await stored('viaB', `Binary/${bin.ofB}`);
  // hop1 -> ofA -> Patient/a is two links; hop4 -> hop3 -> hop2 -> hop1 -> ofA -> Patient/a is five.
  await stored('hop1', `Binary/${bin.ofA}`);
  for (let n = 2; n <= 4; n++) await stored(`hop${n}`, `Binary/${bin[`hop${n - 1}`]}`);
  const provenance = {
    resourceType: 'Provenance',
    id: 'pchain',
    recorded: '2026-01-01T00:00:00Z',
    target: [{ reference: 'Patient/a' }, { reference: `Binary/${bin.viaA}` }, { reference: `Binary/${bin.viaB}` }],
    agent: [{ who: { reference: 'Patient/a' } }],
  };
  assert.equal((await as(f.server, f.system).put('Provenance/pchain', provenance)).status, 201);
});
after(async () => {
  await f?.server.close();
});

test("a patient token reads a Binary whose securityContext is a Binary of its record, not one leading to another patient's", async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.rs');
  assert.equal((await as(f.server, a).get(`Binary/${bin.viaA}`)).status, 200);
  assert.equal((await as(f.server, a).get(`Binary/${bin.hop4}`)).status, 200, 'five links, the most followed');
  const other = await as(f.server, a).get(`Binary/${bin.viaB}`);
  assert.equal(other.status, 404, `another patient's is unknown to it: ${other.text}`);
  const search = await as(f.server, a).get(`Binary?_id=${bin.viaA},${bin.viaB},${bin.hop4}`);
  assert.deepEqual(ids(search), [`Binary/${bin.hop4}`, `Binary/${bin.viaA}`].sort());
  const included = await as(f.server, a).get('Provenance?_id=pchain&_include=Provenance:target');
  assert.deepEqual(ids(included), [`Binary/${bin.viaA}`, 'Patient/a', 'Provenance/pchain'].sort());
  const { access_token: b } = await f.patientToken('b', 'patient/*.rs');
  assert.equal((await as(f.server, b).get(`Binary/${bin.viaB}`)).status, 200);
  assert.equal((await as(f.server, b).get(`Binary/${bin.viaA}`)).status, 404);
});

test('a Binary scope alone does not reach a Binary whose chain ends at a record the token may not read', async () => {
  // Before chains were followed, user/Binary.rs read viaA: ofA, a Binary, was readable by the Binary scope alone.
  const { access_token: binaryOnly } = await f.userToken('user/Binary.rs');
  const hidden = await as(f.server, binaryOnly).get(`Binary/${bin.viaA}`).set('Accept', 'application/fhir+json');
  assert.equal(hidden.status, 404, `answered as an unknown id: ${hidden.text}`);
  assert.match(hidden.body.issue[0].diagnostics, /is not known/);
  const search = await as(f.server, binaryOnly).get(`Binary?_id=${bin.viaA},${bin.hop4}`);
  assert.equal(search.status, 200, search.text);
  assert.deepEqual(ids(search), []);
  const { access_token: wide } = await f.userToken('user/Binary.rs user/Patient.rs');
  assert.equal((await as(f.server, wide).get(`Binary/${bin.viaA}`)).status, 200);
  assert.equal((await f.server.http.get(`/fhir/Binary/${bin.viaA}`)).status, 401, 'no token');
});

test('writing through a chain needs write access to its end; a sixth link and a cycle are refused to every token', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.cruds');
  const own = await upload(a, `Binary/${bin.ofA}`);
  assert.equal(own.status, 201, own.text);
  assertForbidden(await upload(a, `Binary/${bin.ofB}`), new RegExp(`securityContext Binary/${bin.ofB}, which this token may not write`));
  assertForbidden(await upload(a, `Binary/${bin.viaB}`), /may not write/);
  const { access_token: reader } = await f.userToken('user/Binary.cruds user/Patient.rs');
  assertForbidden(await upload(reader, `Binary/${bin.ofA}`), /may not write/);
  // hop5 -> hop4 -> ... -> Patient/a would be six links.
  assertForbidden(await upload(f.system, `Binary/${bin.hop4}`), /longer than 5 links/);
  // ofA -> viaA -> ofA: a cycle leads to no record.
  const cycle = await as(f.server, f.system).put(`Binary/${bin.ofA}`, {
    resourceType: 'Binary',
    id: bin.ofA,
    contentType: 'application/pdf',
    securityContext: { reference: `Binary/${bin.viaA}` },
  });
  assertForbidden(cycle, /comes back to a Binary already on it/);
  assert.equal((await as(f.server, a).get(`Binary/${bin.viaA}`)).status, 200, 'the refused update changed nothing');
});

test('a system-level export under a patient token holds the Binaries whose chain ends in its record only', async () => {
  const { access_token: a } = await f.patientToken('a', 'patient/*.rs');
  const files = await downloadAll(
    f.server,
    await manifestOf(f.server, await kickOff(f.server, '$export?_type=Binary', { token: a }), a),
    a,
  );
  const got = [...files.values()]
    .flat()
    .map((r: Resource) => r.id!)
    .sort();
  for (const name of ['ofA', 'viaA', 'hop1', 'hop2', 'hop3', 'hop4']) assert.ok(got.includes(bin[name]), `${name}: ${got.join(' ')}`);
  for (const name of ['ofB', 'viaB']) assert.ok(!got.includes(bin[name]), `${name} is another patient's`);
});
