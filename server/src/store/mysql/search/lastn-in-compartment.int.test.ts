// $lastn in a patient's compartment must give what the general $lastn statement gives (lastn-sql.ts): the same
// Observations in the same order, through ties, missing dates, codings without a system, several codings on one
// Observation, resources in two compartments and deleted ones.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createResource, startTestServer, type TestServer } from '../../../../../tests/support/test-server.js';
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
