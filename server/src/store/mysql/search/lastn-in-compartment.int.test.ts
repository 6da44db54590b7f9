// $lastn in a patient's compartment must give what the general $lastn statement gives (lastn-sql.ts): the same
// Observations in the same order, through ties, missing dates, codings without a system, several codings on one
// Observation, resources in two compartments and deleted ones; and for a patient with thousands of Observations, the
// newest per code through HTTP while reading rows in proportion to what it returns (session Handler_read_* counters).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { createResource, FHIR_JSON, startTestServer, type TestServer } from '../../../../../tests/support/test-server.js';
import { r4Definitions } from '../../../fhir-services.js';
import { parseSearch } from '../../../search/parse-search.js';
import { searchFacts } from './search-facts.js';
import { hintOf, searchWhere } from './where.js';
import type { Sql } from '../../sql.js';
import { lastnInCompartment } from './lastn-in-compartment.js';
import { lastnSql } from './lastn-sql.js';

const LOINC = 'http://loinc.org';
let s: TestServer;
const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };
let a = '';
let b = '';

const create = (body: Record<string, unknown>) => createResource(s, body);
const obs = (
  subject: string,
  codings: { system?: string; code: string }[],
  effective: Record<string, unknown>,
  category = 'vital-signs',
  extra = {},
) => ({
  resourceType: 'Observation',
  status: 'final',
  subject: { reference: `Patient/${subject}` },
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }],
  code: { coding: codings },
  ...effective,
  ...extra,
});

before(async () => {
  s = await startTestServer();
  a = await create({ resourceType: 'Patient' });
  b = await create({ resourceType: 'Patient' });
  const hr = { system: LOINC, code: '40443-4' };
  const pain = { system: LOINC, code: '72514-3' };
  const local = { code: 'local-1' };
  for (let d = 1; d <= 6; d++) await create(obs(a, [hr], { effectiveDateTime: `2026-10-0${d}T08:00:00Z` }));
  // Ties on the same instant (the higher pk wins), a period ending later, no date at all.
  await create(obs(a, [hr], { effectiveDateTime: '2026-10-06T08:00:00Z' }));
  await create(obs(a, [hr], { effectivePeriod: { start: '2026-10-05', end: '2026-10-07' } }));
  await create(obs(a, [hr], {}));
  await create(obs(a, [pain, local], { effectiveDateTime: '2026-09-01' }, 'survey'));
  await create(obs(a, [pain], { effectiveDateTime: '2026-09-02' }, 'survey'));
  await create(obs(a, [local], { effectiveDateTime: '2026-08-01' }, 'survey'));
  // In both compartments: subject a, performer b.
  await create(obs(a, [pain], { effectiveDateTime: '2026-09-03' }, 'survey', { performer: [{ reference: `Patient/${b}` }] }));
  await create(obs(b, [hr], { effectiveDateTime: '2026-10-09T08:00:00Z' }));
  const gone = await create(obs(a, [hr], { effectiveDateTime: '2026-10-10T08:00:00Z' }));
  assert.equal((await s.http.delete(`/fhir/Observation/${gone}`)).status, 204);
});
after(async () => {
  await s.close();
});

const run = async (q: Sql) => s.sql<never[]>(q.text, [...q.values]);
const once = (pks: number[]) => pks.filter((pk, i) => pks.indexOf(pk) === i);

test("the compartment $lastn gives the general statement's Observations in its order", async () => {
  const queries = [
    `patient=${a}`,
    `patient=${a}&category=vital-signs`,
    `patient=${a}&category=survey`,
    `patient=${a},${b}`,
    `subject=Patient/${a}&code=${LOINC}|72514-3`,
    `patient=${b}`,
  ];
  for (const query of queries) {
    const request = parseSearch('Observation', new URLSearchParams(query), r4Definitions());
    const hint = hintOf(request, ctx);
    assert.ok(hint, `${query} names the patient`);
    for (const max of [1, 2, 3, 10]) {
      const where = searchWhere(request, ctx);
      const general = once(((await run(lastnSql(where, max))) as { pk: number }[]).map((r) => Number(r.pk)));
      const fast = once(await lastnInCompartment(request, ctx, hint, max, run));
      assert.ok(general.length > 0, `${query} finds something`);
      assert.deepEqual(fast, general, `${query}, max ${max}`);
    }
  }
});

/** Rows the inspector session read through handlers (index and table reads) while `fn` ran. */
async function rowsRead(fn: () => Promise<unknown>): Promise<number> {
  const read = async () =>
    (await s.sql<{ Value: string }[]>("SHOW SESSION STATUS LIKE 'Handler_read%'")).reduce((sum, row) => sum + Number(row.Value), 0);
  const idle = -(await read()) + (await read());
  const start = await read();
  await fn();
  return (await read()) - start - idle;
}

test("a patient's $lastn over thousands of Observations of a few codes gives the newest and reads rows in proportion to them", async () => {
  const HEAVY = 3_000;
  const heavy = await create({ resourceType: 'Patient' });
  const minute = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  // A heart rate a minute, a pain score an hour; the newest minute has four heart rates (a tie across max=2 and 3).
  const bodies = Array.from({ length: HEAVY }, (_, n) =>
    n % 60 === 59
      ? obs(heavy, [{ system: LOINC, code: '72514-3' }], { effectiveDateTime: minute(n) }, 'survey')
      : obs(heavy, [{ system: LOINC, code: '40443-4' }], { effectiveDateTime: minute(Math.min(n, HEAVY - 5)) }),
  );
  const ids: string[] = [];
  for (let start = 0; start < HEAVY; start += 500) {
    const entry = bodies.slice(start, start + 500).map((resource) => ({ request: { method: 'POST', url: 'Observation' }, resource }));
    const res = await s.http
      .post('/fhir')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
    assert.equal(res.status, 200, res.text.slice(0, 500));
    ids.push(...(res.body as Bundle).entry!.map((e) => e.response!.location!.split('/')[1]));
  }
  const newest = (code: string, n: number) =>
    ids
      .map((id, i) => ({
        id,
        i,
        code: bodies[i].code.coding[0].code,
        at: (bodies[i] as { effectiveDateTime?: string }).effectiveDateTime!,
      }))
      .filter((x) => x.code === code)
      .sort((a, b) => b.at.localeCompare(a.at) || b.i - a.i)
      .slice(0, n)
      .map((x) => x.id);
  const cases: [string, string[]][] = [
    [`patient=${heavy}&category=vital-signs,survey&max=2`, [...newest('40443-4', 2), ...newest('72514-3', 2)]],
    [`patient=${heavy}&code=${LOINC}|40443-4&max=3`, newest('40443-4', 3)],
    [`subject=Patient/${heavy}&category=survey`, newest('72514-3', 1)],
  ];
  for (const [query, expected] of cases) {
    const res = await s.http.get(`/fhir/Observation/$lastn?${query}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      (res.body as Bundle).entry!.map((e) => e.resource!.id),
      expected,
      query,
    );
  }
  // The rows read: the general statement reads every Observation of the patient, the compartment $lastn a few per code.
  const request = parseSearch('Observation', new URLSearchParams(`patient=${heavy}&category=vital-signs,survey`), r4Definitions());
  const hint = hintOf(request, ctx)!;
  let general: number[] = [];
  let fast: number[] = [];
  const generalRows = await rowsRead(async () => {
    general = once(((await run(lastnSql(searchWhere(request, ctx), 2))) as { pk: number }[]).map((r) => Number(r.pk)));
  });
  const fastRows = await rowsRead(async () => {
    fast = await lastnInCompartment(request, ctx, hint, 2, run);
  });
  assert.deepEqual(fast, general);
  assert.ok(generalRows > HEAVY, `the general statement reads every Observation (${generalRows})`);
  assert.ok(fastRows < 1_000, `the compartment $lastn reads ${fastRows} rows for 2 codes, max 2`);
  // Ten times the Observations returned, about ten times the rows (a pain score is one in 60 of the dates walked),
  // still far fewer than the general statement's.
  const widerRows = await rowsRead(() => lastnInCompartment(request, ctx, hint, 20, run));
  assert.ok(widerRows < 12 * fastRows, `max=20 reads ${widerRows} rows, max=2 ${fastRows}: the cost follows what is returned`);
  assert.ok(widerRows < generalRows / 2, `max=20 reads ${widerRows} rows, the general statement ${generalRows}`);
});
