// The lead walk must return exactly the pages of the usual plan, in the same order, through every window size
// and the hand-over to the usual plan, and must not be used where its joins could not express the search.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createResource, startTestServer, type TestServer } from '../../../../../tests/support/test-server.js';
import { r4Definitions } from '../../../fhir-services.js';
import { parseSearch } from '../../../search/parse-search.js';
import { searchFacts } from './search-facts.js';
import { walkPlan } from './walk-plan.js';
import { searchWhere } from './where.js';
import type { Sql } from '../../sql.js';
import { matchPage } from './search-page.js';
import type { WalkOptions } from './lead-walk.js';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
let s: TestServer;
const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };
const patients: string[] = [];

const create = (body: Record<string, unknown>) => createResource(s, body);
const observation = (n: number, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: n % 7 === 0 ? 'preliminary' : 'final',
  // Words for full-text leads: `pain` starts two stored words (pain, painful).
  code: { coding: [{ system: LOINC, code: n % 3 === 0 ? '40443-4' : '72514-3' }], text: n % 2 === 0 ? 'Pain severity' : 'Painful joints' },
  subject: { reference: `Patient/${patients[n % patients.length]}` },
  effectiveDateTime: new Date(Date.UTC(2026, 9, 1 + (n % 30), 8)).toISOString(),
  valueQuantity: { value: n % 11, system: UCUM, code: '{score}' },
  ...(n % 4 === 0 ? { text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">Morning reading ${n}</div>` } } : {}),
  ...extra,
});

before(async () => {
  s = await startTestServer();
  for (let p = 0; p < 4; p++) patients.push(await create({ resourceType: 'Patient' }));
  const ids: string[] = [];
  for (let n = 0; n < 150; n++) {
    // Every tenth is also performed by another patient: its token rows are there once per compartment.
    const extra = n % 10 === 0 ? { performer: [{ reference: `Patient/${patients[(n + 1) % patients.length]}` }] } : {};
    ids.push(await create(observation(n, extra)));
  }
  // Deleted ones keep no index rows; a code without a system is a different lead.
  for (const id of ids.filter((_, i) => i % 13 === 0)) assert.equal((await s.http.delete(`/fhir/Observation/${id}`)).status, 204);
  await create({ ...observation(1), code: { coding: [{ code: '72514-3' }] } });
  // A rare code (body height), twice.
  for (const n of [2, 9]) await create({ ...observation(n), code: { coding: [{ system: LOINC, code: '8302-2' }], text: 'Body height' } });
});
after(async () => {
  await s.close();
});

const run = async (q: Sql) => s.sql<never[]>(q.text, [...q.values]);

/** Every page of the search, as ids, read with the usual plan or with the walk under `walk` options. */
async function allPages(query: string, walk?: WalkOptions): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const request = parseSearch('Observation', new URLSearchParams(query), r4Definitions());
    request.cursor = cursor;
    const plan = walk ? walkPlan(request, ctx) : undefined;
    if (walk) assert.ok(plan, `${query} has a walk plan`);
    const page = await matchPage(request, searchWhere(request, ctx), run, ctx.derived, plan, walk);
    pages.push(page.items.map((r) => r.id!));
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

const QUERIES = [
  `code=${LOINC}|72514-3&value-quantity=gt5&date=ge2026-10-05&date=le2026-10-20&_count=4`,
  `code=${LOINC}|72514-3&status=final&_count=7`,
  `code=${LOINC}|40443-4&value-quantity=lt3,gt8&_count=2`,
  'code=|72514-3&_count=5',
  `code=${LOINC}|72514-3&_lastUpdated=gt2000-01-01&date=ge2026-10-10&_count=6`,
  'date=ge2026-10-03&date=le2026-10-25&status=final&_count=5',
  // A bare code leads once per system it is stored under (here LOINC and none).
  'code=72514-3&status=final&_count=6',
  'status=preliminary&_count=3',
  // A code far rarer than the pks a date lead reads (here beside the seeded conformance resources) leads instead.
  `code=${LOINC}|8302-2&date=ge2026-10-01&date=le2026-10-25&status=final&_count=1`,
  `code=${LOINC}|40443-4&date=ge2026-10-05&date=le2026-10-25&status=final&_count=3`,
  // Full-text leads: one word (every stored word it starts), several words (the others checked by a join), with
  // other criteria, and the narrative.
  'code:text=pain&_count=4',
  'code:text=painful%20joints&_count=3',
  'code:text=PAIN&status=final&value-quantity=gt4&_count=5',
  '_content=severity&_count=6',
  '_text=morning&_count=2',
];

test('the walk returns the pages of the usual plan, whatever its windows and whether the usual plan finishes them', async () => {
  for (const query of QUERIES) {
    const usual = await allPages(query);
    assert.ok(usual.flat().length > 0, `${query} matches something`);
    // `above` 0: always walk. Free walking (costPerPk 0) through windows from 1 and 7 pks (many per page) or one
    // huge window; walking so dear that the usual plan takes over after the first window.
    for (const opts of [
      { firstWindow: 1, costPerPk: 0 },
      { firstWindow: 7, costPerPk: 0 },
      { firstWindow: 1_000_000, costPerPk: 0 },
      { firstWindow: 1, costPerPk: 1e9 },
    ]) {
      assert.deepEqual(await allPages(query, { above: 0, ...opts }), usual, `${query}, ${JSON.stringify(opts)}`);
    }
  }
});

test('full-text searches through HTTP find what the walk finds, in the same order', async () => {
  for (const query of ['code:text=pain', 'code:text=painful%20joints', '_content=severity&status=final', '_text=morning']) {
    const res = await s.http.get(`/fhir/Observation?${query}&_count=1000`);
    assert.equal(res.status, 200, query);
    const ids = (res.body as { entry?: { resource: { id: string } }[] }).entry?.map((e) => e.resource.id) ?? [];
    assert.ok(ids.length > 0, `${query} matches something`);
    assert.deepEqual((await allPages(`${query}&_count=7`, { above: 0, firstWindow: 5, costPerPk: 0 })).flat(), ids, query);
  }
});

test('each resource comes once, although it has token rows in two Patient compartments', async () => {
  const ids = (await allPages(`code=${LOINC}|72514-3&_count=1000`, { above: 0, firstWindow: 1_000_000, costPerPk: 0 })).flat();
  assert.equal(new Set(ids).size, ids.length);
  const duplicated = await s.sql<{ n: number }[]>(
    "SELECT COUNT(*) AS n FROM (SELECT resource_pk FROM idx_token WHERE param = 'code' GROUP BY resource_pk, code HAVING COUNT(*) > 1) d",
  );
  assert.ok(duplicated[0].n > 0, 'the data has resources in two compartments');
});

test('a date range leads unless a code beside it has far fewer rows than the pks the date lead would read', async () => {
  const prepared = async (query: string) => {
    const plan = walkPlan(parseSearch('Observation', new URLSearchParams(query), r4Definitions()), ctx);
    assert.ok(plan, query);
    return ((plan.prepare && (await plan.prepare(run))) || plan).lead(0, 1).text;
  };
  const [{ top }] = await s.sql<{ top: number }[]>('SELECT MAX(pk) AS top FROM resource');
  const rows = async (code: string) =>
    (await s.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM idx_token WHERE param = 'code' AND code = ?", [code]))[0].n;
  assert.ok((await rows('8302-2')) * 2 < top * 0.4, `${top} pks`);
  assert.match(await prepared(`code=${LOINC}|8302-2&date=ge2026-10-01&date=le2026-10-20`), /FROM idx_token/);
  // No code row at all is still a token lead; a code without a system keeps the date lead.
  assert.match(await prepared(`code=${LOINC}|99999-9&date=ge2026-10-01&date=le2026-10-20`), /FROM idx_token/);
  assert.match(await prepared(`code=8302-2&date=ge2026-10-01&date=le2026-10-20`), /FROM idx_date/);
});

test('searches the joins cannot express, or that a compartment already narrows, keep the usual plan', () => {
  const plan = (query: string) => walkPlan(parseSearch('Observation', new URLSearchParams(query), r4Definitions()), ctx);
  // A date range leads through the per-resource date index, else a system|code token.
  assert.equal(plan(`code=${LOINC}|72514-3&date=ge2026-10-01&date=le2026-10-09`)?.lead(0, 1).text.includes('FROM idx_date'), true);
  assert.equal(plan(`code=${LOINC}|72514-3&date=ge2026-10-01`)?.lead(0, 1).text.includes('FROM idx_token'), true);
  // A code with its system leads before a bare one, which must first read the systems it is stored under.
  assert.equal(plan(`status=final&code=${LOINC}|72514-3`)?.prepare, undefined);
  assert.ok(plan('code=72514-3&status=final')?.prepare);
  // A token leads before a full-text criterion, which must first read the stored words its longest word starts.
  assert.equal(plan(`code:text=pain&code=${LOINC}|72514-3`)?.prepare, undefined);
  assert.ok(plan('code:text=pain&status=final')?.prepare);
  for (const query of [
    `code=${LOINC}|72514-3&_sort=date`,
    `code=${LOINC}|72514-3&patient=${patients[0]}`,
    `code=${LOINC}|72514-3&status:not=final`,
    `code=${LOINC}|72514-3&value-quantity:missing=true`,
    `code=${LOINC}|72514-3&subject:Patient.gender=male`,
    `code=${LOINC}|72514-3&_has:Observation:has-member:status=final`,
    `code=${LOINC}|72514-3,${LOINC}|40443-4`,
    'code:text=pain,joints',
  ])
    assert.equal(plan(query), undefined, query);
});
