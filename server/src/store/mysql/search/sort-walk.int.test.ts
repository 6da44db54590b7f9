// The sorted walk must return exactly the pages of the usual plan (same ids, same order, every page), through every
// window size, the hand-over to the usual plan and rows added between pages; and its newest page must read rows in
// proportion to the page, not to the matches (counted with the session's Handler_read_* counters).
import assert from 'node:assert/strict';
import type { Bundle } from 'fhir/r4.js';
import { after, before, test } from 'node:test';
import { createResource, FHIR_JSON, startTestServer, type TestServer } from '../../../../../tests/support/test-server.js';
import { r4Definitions } from '../../../fhir-services.js';
import { parseSearch } from '../../../search/parse-search.js';
import type { Sql } from '../../sql.js';
import type { WalkOptions } from './lead-walk.js';
import { searchFacts } from './search-facts.js';
import { matchPage } from './search-page.js';
import { sortWalkPlan } from './sort-walk-plan.js';
import { searchWhere } from './where.js';

const LOINC = 'http://loinc.org';
const PAIN = `${LOINC}|72514-3`;
const HEAVY = 3_000;
let s: TestServer;
const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };
const patients: string[] = [];

const create = (body: Record<string, unknown>) => createResource(s, body);
const at = (n: number) => new Date(Date.UTC(2026, 9, 1 + (n % 30), 8 + (n % 3))).toISOString();
const observation = (n: number, patient: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: n % 7 === 0 ? 'preliminary' : 'final',
  code: { coding: [{ system: LOINC, code: n % 3 === 0 ? '40443-4' : '72514-3' }] },
  subject: { reference: `Patient/${patient}` },
  // Many share a time: ties are broken by pk.
  effectiveDateTime: at(n),
  ...extra,
});

before(async () => {
  s = await startTestServer();
  for (let p = 0; p < 4; p++) patients.push(await create({ resourceType: 'Patient', gender: p % 2 ? 'male' : 'female' }));
  const ids: string[] = [];
  for (let n = 0; n < 160; n++) {
    // Every tenth is also performed by another patient: its date rows are there once per compartment. Every
    // eleventh has no date (it sorts last), a few a date-only value (a day-long range: its start and end differ).
    const extra = n % 10 === 0 ? { performer: [{ reference: `Patient/${patients[(n + 1) % patients.length]}` }] } : {};
    const effective = n % 11 === 0 ? { effectiveDateTime: undefined } : n % 17 === 0 ? { effectiveDateTime: at(n).slice(0, 10) } : {};
    ids.push(await create(observation(n, patients[n % patients.length], { ...extra, ...effective })));
  }
  for (const id of ids.filter((_, i) => i % 13 === 0)) assert.equal((await s.http.delete(`/fhir/Observation/${id}`)).status, 204);
  for (let p = 0; p < 5; p++) await create({ resourceType: 'Patient', gender: 'female' });
});
after(async () => {
  await s.close();
});

const run = async (q: Sql) => s.sql<never[]>(q.text, [...q.values]);

/** One page of the search from `cursor`, with the usual plan or with the walk under `walk` options. */
async function page(type: string, query: string, cursor: string | undefined, walk?: WalkOptions) {
  const request = parseSearch(type, new URLSearchParams(query), r4Definitions());
  request.cursor = cursor;
  const plan = walk ? sortWalkPlan(request, ctx) : undefined;
  if (walk) assert.ok(plan, `${query} has a sorted walk plan`);
  const found = await matchPage(request, searchWhere(request, ctx), run, ctx.derived, plan, walk);
  return { ids: found.items.map((r) => r.id!), next: found.nextCursor };
}

async function allPages(type: string, query: string, walk?: WalkOptions): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const p = await page(type, query, cursor, walk);
    pages.push(p.ids);
    cursor = p.next;
  } while (cursor);
  return pages;
}

const QUERIES = (): [string, string][] => [
  ['Observation', `subject=Patient/${patients[0]}&code=${PAIN}&_sort=-date&_count=3`],
  ['Observation', `subject=Patient/${patients[1]}&code=${PAIN}&_sort=date&_count=4`],
  ['Observation', `patient=${patients[2]}&_sort=-date&_count=5`],
  ['Observation', `code=${PAIN}&_sort=-date&_count=6`],
  ['Observation', `status=final&_sort=date&_count=7`],
  ['Observation', `code=${PAIN}&date=ge2026-10-05&date=le2026-10-20&_sort=-date&_count=4`],
  ['Observation', `date=le2026-10-12&_sort=date&_count=5`],
  ['Observation', `code=${PAIN}&_sort=-_lastUpdated&_count=9`],
  ['Observation', `status=preliminary&_sort=_lastUpdated&_count=2`],
  ['Observation', `code=${PAIN}&_lastUpdated=gt2000-01-01&_sort=-_lastUpdated&_count=8`],
  ['Patient', 'gender=female&_sort=-_lastUpdated&_count=1'],
];

test('the sorted walk returns the pages of the usual plan, whatever its windows and whether the usual plan finishes them', async () => {
  for (const [type, query] of QUERIES()) {
    const usual = await allPages(type, query);
    assert.ok(usual.flat().length > 2, `${query} matches several`);
    for (const opts of [
      { firstWindow: 1, costPerPk: 0 },
      { firstWindow: 3, costPerPk: 0 },
      { firstWindow: 1_000_000, costPerPk: 0 },
      { firstWindow: 1, costPerPk: 1e9 },
    ]) {
      assert.deepEqual(await allPages(type, query, { above: 0, ...opts }), usual, `${query}, ${JSON.stringify(opts)}`);
    }
  }
});

test('while rows are added between pages, the walk and the usual plan give the same pages, none repeated or skipped', async () => {
  const query = `subject=Patient/${patients[3]}&code=${PAIN}&_sort=-date&_count=4`;
  const before = (await allPages('Observation', query)).flat();
  let usual: string | undefined;
  let walked: string | undefined;
  const seen: string[] = [];
  let n = 1_000;
  do {
    const a = await page('Observation', query, usual);
    const b = await page('Observation', query, walked, { above: 0, firstWindow: 2 });
    assert.deepEqual(b.ids, a.ids);
    assert.equal(b.next, a.next);
    seen.push(...a.ids);
    [usual, walked] = [a.next, b.next];
    // Newer than any page, older than any, and at the time of rows already paged past or still to come.
    for (const effective of ['2027-01-01T00:00:00Z', '2025-01-01T00:00:00Z', at(n), at(n + 7)]) {
      await create(observation(n++, patients[3], { code: { coding: [{ system: LOINC, code: '72514-3' }] }, effectiveDateTime: effective }));
    }
  } while (usual);
  assert.equal(new Set(seen).size, seen.length, 'no resource twice');
  for (const id of before) assert.ok(seen.includes(id), `${id}, there before the first page, is on a page`);
});

/** Rows the session read through handlers (index and table reads) while `fn` ran. */
async function rowsRead(fn: () => Promise<unknown>): Promise<number> {
  const read = async () =>
    (await s.sql<{ Variable_name: string; Value: string }[]>("SHOW SESSION STATUS LIKE 'Handler_read%'")).reduce(
      (sum, row) => sum + Number(row.Value),
      0,
    );
  const idle = -(await read()) + (await read());
  const start = await read();
  await fn();
  return (await read()) - start - idle;
}

test("a patient's newest page of thousands of matches reads rows in proportion to the page, not the matches", async () => {
  const heavy = await create({ resourceType: 'Patient' });
  // A patient with thousands of pain scores, one a minute, among other codes; loaded as transaction Bundles.
  for (let start = 0; start < HEAVY * 1.5; start += 500) {
    const entry = Array.from({ length: 500 }, (_, i) => ({
      request: { method: 'POST', url: 'Observation' },
      resource: {
        ...observation(start + i, heavy),
        code: { coding: [{ system: LOINC, code: (start + i) % 3 === 2 ? '8867-4' : '72514-3' }] },
        effectiveDateTime: new Date(Date.UTC(2026, 0, 1) + (start + i) * 60_000).toISOString(),
      },
    }));
    const res = await s.http
      .post('/fhir')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
    assert.equal(res.status, 200, res.text.slice(0, 500));
  }
  const newest = (count: number) =>
    parseSearch('Observation', new URLSearchParams(`subject=Patient/${heavy}&code=${PAIN}&_sort=-date&_count=${count}`), r4Definitions());
  const request = newest(20);
  const plan = sortWalkPlan(request, ctx);
  assert.ok(plan);
  const usualRows = await rowsRead(() => matchPage(request, searchWhere(request, ctx), run, ctx.derived));
  let walked: string[] = [];
  // The server's own thresholds: no options.
  const walkRows = await rowsRead(async () => {
    walked = (await matchPage(request, searchWhere(request, ctx), run, ctx.derived, plan)).items.map((r) => r.id!);
  });
  assert.deepEqual(
    walked,
    (await matchPage(request, searchWhere(request, ctx), run, ctx.derived)).items.map((r) => r.id!),
  );
  assert.ok(usualRows > HEAVY, `the usual plan reads every match (${usualRows})`);
  assert.ok(walkRows < 20 * 20, `the walk reads ${walkRows} rows for a page of 20`);
  // Twice the page, about twice the rows: the cost follows the page.
  const twice = newest(40);
  const twiceRows = await rowsRead(() => matchPage(twice, searchWhere(twice, ctx), run, ctx.derived, sortWalkPlan(twice, ctx)));
  assert.ok(twiceRows < 3 * walkRows, `a page of 40 reads ${twiceRows} rows, one of 20 ${walkRows}`);
  // Through HTTP (the server walks by its own choice), as a search and as a compartment search: the usual plan's pages.
  const usual = (await allPages('Observation', `subject=Patient/${heavy}&code=${PAIN}&_sort=-date&_count=500`)).flat();
  for (const path of [
    `/fhir/Observation?subject=Patient/${heavy}&code=${PAIN}&_sort=-date&_count=20`,
    `/fhir/Patient/${heavy}/Observation?code=${PAIN}&_sort=-date&_count=20`,
  ]) {
    let url: string | undefined = path;
    const ids: string[] = [];
    for (let n = 0; n < 3 && url; n++) {
      const res = await s.http.get(url);
      assert.equal(res.status, 200, res.text);
      ids.push(...(res.body as Bundle).entry!.map((e) => e.resource!.id!));
      url = (res.body as Bundle).link?.find((l) => l.relation === 'next')?.url?.replace('http://localhost:8080', '');
    }
    assert.deepEqual(ids, usual.slice(0, 60), path);
  }
});

test('sorts no index holds in order, and criteria the joins cannot express, keep the usual plan', () => {
  const plan = (query: string) => sortWalkPlan(parseSearch('Observation', new URLSearchParams(query), r4Definitions()), ctx);
  assert.ok(plan(`subject=Patient/${patients[0]}&_sort=-date`)?.lead.text.includes('i.compartment ='));
  assert.equal(plan(`code=${PAIN}&_sort=-date`)?.lead.text.includes('i.compartment'), false);
  for (const query of [
    `code=${PAIN}`,
    `code=${PAIN}&_sort=-date,_lastUpdated`,
    `code=${PAIN}&_sort=value-date`, // several dates per resource (a dateTime or a Period)
    `code=${PAIN}&_sort=-value-quantity`,
    `patient=${patients[0]},${patients[1]}&_sort=-date`,
    `patient=${patients[0]}&_sort=-_lastUpdated`,
    `subject:Patient.gender=female&_sort=-date`,
    `code=${PAIN}&status:not=final&_sort=-date`,
    `code=${PAIN}&_has:Observation:has-member:status=final&_sort=-date`,
  ])
    assert.equal(plan(query), undefined, query);
});
