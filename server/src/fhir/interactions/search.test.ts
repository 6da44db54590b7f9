// search against the in-memory repository: token, reference, date and string parameters with their modifiers,
// _id and _lastUpdated, chains and _has, compartments, _sort, _count paging, _include, totals and refusals.
// https://hl7.org/fhir/R4/search.html
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { call, diagnostics, searchOf } from '../../testing/fhir-call.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const LOINC = 'http://loinc.org';
const ids = async (target: string) => (await searchOf(ctx, target)).ids;
const sorted = async (target: string) => (await ids(target)).sort();

const obs = (id: string, patient: string, code: string, date: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: `Patient/${patient}` },
  code: { coding: [{ system: LOINC, code, display: code === '72514-3' ? 'Pain severity' : 'Heart rate' }] },
  effectiveDateTime: date,
  ...extra,
});

before(async () => {
  for (const p of [
    {
      resourceType: 'Patient',
      id: 'ann',
      name: [{ family: 'Ångström', given: ['Ann'] }],
      birthDate: '1970-05-01',
      gender: 'female',
      identifier: [{ system: 'urn:mrn', value: 'A1' }],
    },
    {
      resourceType: 'Patient',
      id: 'bob',
      name: [{ family: 'Baker', given: ['Bob'] }],
      birthDate: '1985',
      gender: 'male',
      identifier: [{ system: 'urn:mrn', value: 'B2' }],
    },
    { resourceType: 'Patient', id: 'cy', name: [{ family: 'Anders' }], gender: 'other' },
  ])
    await call(ctx, 'PUT', `Patient/${p.id}`, { body: p });
  for (const o of [
    obs('o1', 'ann', '72514-3', '2026-01-05T10:00:00Z'),
    obs('o2', 'ann', '8867-4', '2026-01-20'),
    obs('o3', 'bob', '72514-3', '2026-02-01T08:30:00+01:00'),
    obs('o4', 'bob', '72514-3', '2025-12-31', { status: 'preliminary' }),
  ])
    await call(ctx, 'PUT', `Observation/${o.id}`, { body: o });
});

test('token: code, system|code, |code, system|, :not and :text', async () => {
  assert.deepEqual(await sorted('Observation?code=72514-3'), ['o1', 'o3', 'o4']);
  assert.deepEqual(await sorted(`Observation?code=${LOINC}|8867-4`), ['o2']);
  assert.deepEqual(await sorted('Observation?code=|8867-4'), []);
  assert.deepEqual(await sorted(`Observation?code=${LOINC}|`), ['o1', 'o2', 'o3', 'o4']);
  assert.deepEqual(await sorted('Observation?status:not=final'), ['o4']);
  assert.deepEqual(await sorted('Observation?code:text=pain'), ['o1', 'o3', 'o4']);
  assert.deepEqual(await sorted('Patient?identifier=urn:mrn|B2'), ['bob']);
  assert.deepEqual(await sorted('Patient?gender=female,other'), ['ann', 'cy']);
});

test('reference: id, Type/id, absolute URL on this server, :Type; and :missing', async () => {
  assert.deepEqual(await sorted('Observation?subject=Patient/ann'), ['o1', 'o2']);
  assert.deepEqual(await sorted('Observation?subject=bob'), ['o3', 'o4']);
  assert.deepEqual(await sorted(`Observation?subject=${encodeURIComponent(`${ctx.baseUrl}/Patient/bob`)}`), ['o3', 'o4']);
  assert.deepEqual(await sorted('Observation?subject:Patient=ann'), ['o1', 'o2']);
  assert.deepEqual(await sorted('Observation?patient=ann&code=8867-4'), ['o2']);
  assert.deepEqual(await sorted('Patient?birthdate:missing=true'), ['cy']);
  const bad = await call(ctx, 'GET', 'Observation?subject=Patient/a%20b');
  assert.equal(bad.status, 400);
  assert.match(diagnostics(bad), /not a valid reference/);
});

test('date: precision and prefixes over the range a value covers', async () => {
  assert.deepEqual(await sorted('Observation?date=2026-01'), ['o1', 'o2']);
  assert.deepEqual(await sorted('Observation?date=ge2026-01-20'), ['o2', 'o3']);
  assert.deepEqual(await sorted('Observation?date=lt2026-01-01'), ['o4']);
  assert.deepEqual(await sorted('Observation?date=ge2026-01-01&date=le2026-01-31'), ['o1', 'o2']);
  assert.deepEqual(await sorted('Observation?date=2026-02-01T07:30:00Z'), ['o3']);
  assert.deepEqual(await sorted('Observation?date=ne2026-01-20'), ['o1', 'o3', 'o4']);
  assert.deepEqual(await sorted('Patient?birthdate=sa1980'), ['bob']);
  const bad = await call(ctx, 'GET', 'Observation?date=2026-02-30');
  assert.equal(bad.status, 400);
  assert.match(diagnostics(bad), /not a real date/);
});

test('string: starts with, ignoring case and accents; :contains; :exact', async () => {
  assert.deepEqual(await sorted('Patient?family=ang'), ['ann']);
  assert.deepEqual(await sorted('Patient?name=an'), ['ann', 'cy']);
  assert.deepEqual(await sorted('Patient?family:contains=KER'), ['bob']);
  assert.deepEqual(await sorted('Patient?family:exact=Ångström'), ['ann']);
  assert.deepEqual(await sorted('Patient?family:exact=angstrom'), []);
});

test('_id, _lastUpdated, chains and _has', async () => {
  assert.deepEqual(await sorted('Patient?_id=ann,cy'), ['ann', 'cy']);
  assert.deepEqual(await sorted('Patient?_id:not=ann'), ['bob', 'cy']);
  assert.deepEqual(await sorted(`Patient?_lastUpdated=gt${new Date(Date.now() + 60_000).toISOString().slice(0, 19)}Z`), []);
  assert.deepEqual(await sorted('Patient?_lastUpdated=ge2020'), ['ann', 'bob', 'cy']);
  assert.deepEqual(await sorted('Observation?subject:Patient.name=baker'), ['o3', 'o4']);
  assert.deepEqual(await sorted('Observation?patient.identifier=urn:mrn|A1'), ['o1', 'o2']);
  assert.deepEqual(await sorted('Patient?_has:Observation:patient:code=8867-4'), ['ann']);
});

test('a compartment search finds what refers to the owner', async () => {
  assert.deepEqual(await sorted('Patient/bob/Observation'), ['o3', 'o4']);
  assert.deepEqual(await sorted('Patient/bob/Observation?status=final'), ['o3']);
  const notMember = await call(ctx, 'GET', 'Patient/bob/Organization');
  assert.equal(notMember.status, 400);
});

test('_sort on dates, strings and tokens, either way, missing values last', async () => {
  assert.deepEqual(await ids('Observation?_sort=date'), ['o4', 'o1', 'o2', 'o3']);
  assert.deepEqual(await ids('Observation?_sort=-date'), ['o3', 'o2', 'o1', 'o4']);
  assert.deepEqual(await ids('Patient?_sort=family'), ['cy', 'ann', 'bob']);
  assert.deepEqual(await ids('Patient?_sort=-birthdate'), ['bob', 'ann', 'cy']);
  assert.deepEqual(await ids('Patient?_sort=birthdate'), ['ann', 'bob', 'cy']);
  assert.deepEqual(await ids('Observation?_sort=code,-date'), ['o3', 'o1', 'o4', 'o2']);
});

test('_count pages with next links, sorted or not, without skipping or repeating', async () => {
  for (const query of ['Observation?_count=1', 'Observation?_count=3&_sort=-date', 'Observation?_count=1&_sort=status,_id']) {
    const seen: string[] = [];
    let res = await call<Bundle>(ctx, 'GET', query);
    assert.equal(res.body!.total, undefined, `${query}: the first page does not hold every match`);
    for (;;) {
      seen.push(...res.body!.entry!.map((e) => e.resource!.id!));
      const next = res.body!.link!.find((l) => l.relation === 'next')?.url;
      if (!next) break;
      res = await call<Bundle>(ctx, 'GET', next.slice(`${ctx.baseUrl}/`.length));
    }
    assert.deepEqual([...seen].sort(), ['o1', 'o2', 'o3', 'o4'], query);
  }
  const all = await call<Bundle>(ctx, 'GET', 'Observation?_count=10');
  assert.equal(all.body!.total, 4);
  const bad = await call(ctx, 'GET', 'Observation?_cursor=bm9wZQ&_sort=date');
  assert.equal(bad.status, 400);
  assert.match(diagnostics(bad), /cursor/);
});

test('_include and _revinclude add what the matches refer to, or what refers to them', async () => {
  const inc = await call<Bundle>(ctx, 'GET', 'Observation?code=8867-4&_include=Observation:subject');
  assert.deepEqual(
    inc.body!.entry!.map((e) => [e.resource!.id, e.search?.mode]),
    [
      ['o2', 'match'],
      ['ann', 'include'],
    ],
  );
  const rev = await call<Bundle>(ctx, 'GET', 'Patient?_id=bob&_revinclude=Observation:subject');
  assert.deepEqual(rev.body!.entry!.map((e) => e.resource!.id).sort(), ['bob', 'o3', 'o4']);
});

test('_include=* and _revinclude=* follow every reference parameter, as MySQL does', async () => {
  const inc = await call<Bundle>(ctx, 'GET', 'Observation?code=8867-4&_include=*');
  assert.deepEqual(
    inc.body!.entry!.map((e) => [e.resource!.id, e.search?.mode]),
    [
      ['o2', 'match'],
      ['ann', 'include'],
    ],
  );
  const rev = await call<Bundle>(ctx, 'GET', 'Patient?_id=bob&_revinclude=*');
  assert.deepEqual(rev.body!.entry!.map((e) => e.resource!.id).sort(), ['bob', 'o3', 'o4']);
});

test("token :text pools the words of all of a parameter's codings and texts, as MySQL does", async () => {
  await call(ctx, 'PUT', 'Condition/c1', {
    body: {
      resourceType: 'Condition',
      id: 'c1',
      subject: { reference: 'Patient/ann' },
      code: {
        coding: [
          { system: 'urn:x', code: 'a', display: 'Aching back' },
          { system: 'urn:x', code: 'b', display: 'Sharp knee' },
        ],
        text: 'Joint trouble',
      },
    },
  });
  assert.deepEqual(await ids('Condition?code:text=back knee'), ['c1'], 'words of two codings');
  assert.deepEqual(await ids('Condition?code:text=sharp trouble'), ['c1'], 'a coding and the text');
  assert.deepEqual(await ids('Condition?code:text=back elbow'), []);
});

test('_summary=count and _total=accurate count every match', async () => {
  const count = await call<Bundle>(ctx, 'GET', 'Observation?code=72514-3&_summary=count');
  assert.equal(count.body!.total, 3);
  assert.equal(count.body!.entry?.length ?? 0, 0);
  const paged = await call<Bundle>(ctx, 'GET', 'Observation?_count=1&_total=accurate');
  assert.equal(paged.body!.total, 4);
});

test('unknown parameters are refused, or ignored and reported under handling=lenient', async () => {
  const strict = await call(ctx, 'GET', 'Patient?shoe-size=9');
  assert.equal(strict.status, 400);
  assert.match(diagnostics(strict), /shoe-size/);
  const lenient = await call<Bundle>(ctx, 'GET', 'Patient?shoe-size=9&_id=ann', { headers: { prefer: 'handling=lenient' } });
  assert.equal(lenient.status, 200);
  const outcome = lenient.body!.entry!.find((e) => e.search?.mode === 'outcome');
  assert.match(JSON.stringify(outcome), /shoe-size/);
});

test('what the memory store cannot answer (a composite search) is refused, never answered wrongly', async () => {
  const res = await call(ctx, 'GET', 'Observation?code-value-quantity=http://loinc.org|72514-3$gt5');
  assert.equal(res.status, 400);
  assert.match(diagnostics(res), /in-memory repository/);
});

test('POST _search takes form parameters', async () => {
  const res = await call<Bundle>(ctx, 'POST', 'Patient/_search', {
    body: 'family=baker',
    contentType: 'application/x-www-form-urlencoded',
  });
  assert.deepEqual(
    res.body!.entry!.map((e) => e.resource!.id),
    ['bob'],
  );
  assert.equal((await call(ctx, 'POST', 'Patient/_search', { body: { family: 'baker' } })).status, 400);
});
