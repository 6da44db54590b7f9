// Which of a batch's identifiers a patient's Observations hold already (the import's "already stored" lookup):
// exactly those, and found through index ranges on the identifier values, not by reading every identifier row.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { FHIR_JSON, startTestServer, type TestServer } from '../../../../tests/support/test-server.js';
import { r4Definitions } from '../../fhir-services.js';
import { searchFacts } from './search/search-facts.js';
import { storedIdentifiersSql } from './stored-identifiers-sql.js';

const SYSTEM = 'https://fhir.fibrotrack.org/identifier/wearable-record';
const target = (id: string) => ({ type: 'Patient', id });
let s: TestServer;
let alice: string;
let bob: string;

const value = (n: number) => `apple:HKQuantityTypeIdentifierHeartRate:${String(n).padStart(6, '0')}`;
const observations = (patient: string, from: number, to: number): Bundle => ({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: Array.from({ length: to - from }, (_, i) => ({
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'heart rate' },
      identifier: [{ system: SYSTEM, value: value(from + i) }],
      subject: { reference: `Patient/${patient}` },
    },
    request: { method: 'POST', url: 'Observation' },
  })),
});

before(async () => {
  s = await startTestServer();
  const patient = async () =>
    (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id as string;
  alice = await patient();
  bob = await patient();
  // Alice holds 0..599; Bob holds 400..999, so half of his values are Alice's too.
  for (const [who, from, to] of [
    [alice, 0, 600],
    [bob, 400, 1000],
  ] as const) {
    await s.http
      .post('/fhir')
      .set('Content-Type', FHIR_JSON)
      .send(observations(who, from, to))
      .expect(200);
  }
});
after(() => s.close());

test("the identifiers found are exactly those on the patient's own Observations", async () => {
  const asked = Array.from({ length: 1000 }, (_, n) => value(n + 300)); // 300..1299
  const found = await s.built.ctx.repo.storedIdentifiers('Observation', 'subject', target(alice), SYSTEM, asked);
  assert.deepEqual(
    [...found].sort(),
    Array.from({ length: 300 }, (_, n) => value(n + 300)),
  );
  const other = await s.built.ctx.repo.storedIdentifiers('Observation', 'subject', target(bob), 'urn:other-system', asked);
  assert.equal(other.size, 0);
});

test('each statement reads the identifier index by ranges of values, however many identifier rows there are', async () => {
  const asked = Array.from({ length: 1000 }, (_, n) => value(n));
  const statements = storedIdentifiersSql(searchFacts(r4Definitions()).derived, 'Observation', 'subject', target(alice), SYSTEM, asked);
  assert.equal(
    statements.reduce((n, q) => n + q.values.filter((v) => String(v).startsWith('apple:')).length, 0),
    1000,
  );
  // Fewer values than the server's limit for index dives: past it the optimizer estimates the ranges from index
  // statistics, which on a table growing during an import made it read every identifier row of the type instead.
  const [{ limit }] = await s.sql<{ limit: number }[]>('SELECT @@eq_range_index_dive_limit AS `limit`');
  for (const q of statements) assert.ok(q.values.filter((v) => String(v).startsWith('apple:')).length < Number(limit));
  for (const q of statements) {
    const plan = await s.sql<{ table: string; type: string; key: string; rows: number }[]>(`EXPLAIN ${q.text}`, [...q.values]);
    const tokens = plan.find((p) => p.table === 'i')!;
    // A ref on (res_type, param) alone would read all 1,200 identifier rows for each statement.
    assert.equal(tokens.type, 'range', JSON.stringify(plan));
    assert.equal(tokens.key, 'ix_token_value');
  }
});
