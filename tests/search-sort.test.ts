// _sort on one or several keys, ascending and descending, paged without skips or repeats.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const people: [string, string | undefined][] = [
  ['Garcia', '1990-05-01'],
  ['Adams', '1975-01-15'],
  ['Garcia', '1960-12-31'],
  ['Baker', undefined],
  ['Chen', '1990-05'],
  ['Adams', '2001-07-04'],
];
const idByLabel = new Map<string, string>();

before(async () => {
  s = await startTestServer();
  for (const [family, birthDate] of people) {
    const body = {
      resourceType: 'Patient',
      meta: { tag: [{ system: 'urn:test', code: 'sort' }] },
      name: [{ family }],
      ...(birthDate ? { birthDate } : {}),
    };
    const res = await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
    idByLabel.set(`${family}:${birthDate ?? '-'}`, res.body.id);
  }
});
after(async () => {
  await s.close();
});

const labels = async (query: string) => {
  const res = await s.http.get(`/fhir/Patient?_tag=urn:test|sort&${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body.entry.map(
    (e: { resource: { name: { family: string }[]; birthDate?: string } }) => `${e.resource.name[0].family}:${e.resource.birthDate ?? '-'}`,
  );
};

test('ascending by date, missing values last, ties in creation order', async () => {
  // 1990-05 and 1990-05-01 both start at 1990-05-01T00:00; Garcia was stored first.
  assert.deepEqual(await labels('_sort=birthdate'), [
    'Garcia:1960-12-31',
    'Adams:1975-01-15',
    'Garcia:1990-05-01',
    'Chen:1990-05',
    'Adams:2001-07-04',
    'Baker:-',
  ]);
});

test('descending by date compares the end of partial dates, missing values last', async () => {
  assert.deepEqual(await labels('_sort=-birthdate'), [
    'Adams:2001-07-04',
    'Chen:1990-05',
    'Garcia:1990-05-01',
    'Adams:1975-01-15',
    'Garcia:1960-12-31',
    'Baker:-',
  ]);
});

test('several keys: family ascending, then birthdate descending', async () => {
  assert.deepEqual(await labels('_sort=family,-birthdate'), [
    'Adams:2001-07-04',
    'Adams:1975-01-15',
    'Baker:-',
    'Chen:1990-05',
    'Garcia:1990-05-01',
    'Garcia:1960-12-31',
  ]);
});

test('paging through a sorted search returns every match once, in order, even with writes in between', async () => {
  const all = await labels('_sort=family,-birthdate');
  const seen: string[] = [];
  let url: string | undefined = '/fhir/Patient?_tag=urn:test|sort&_sort=family,-birthdate&_count=2';
  while (url) {
    const page = await s.http.get(url);
    assert.equal(page.status, 200);
    seen.push(
      ...page.body.entry.map(
        (e: { resource: { name: { family: string }[]; birthDate?: string } }) =>
          `${e.resource.name[0].family}:${e.resource.birthDate ?? '-'}`,
      ),
    );
    if (seen.length === 2) {
      await s.http
        .post('/fhir/Patient')
        .set('Content-Type', FHIR_JSON)
        .send(
          JSON.stringify({ resourceType: 'Patient', meta: { tag: [{ system: 'urn:test', code: 'sort' }] }, name: [{ family: 'Aaron' }] }),
        );
    }
    url = page.body.link.find((l: { relation: string }) => l.relation === 'next')?.url.replace('http://localhost:8080', '');
  }
  assert.deepEqual(seen, all, 'a row inserted before the cursor position does not shift later pages');
});

test('_id and _lastUpdated sort; unknown or composite keys are 400', async () => {
  const ids = (await s.http.get('/fhir/Patient?_tag=urn:test|sort&_sort=-_id')).body.entry.map(
    (e: { resource: { id: string } }) => e.resource.id,
  );
  assert.deepEqual(ids, [...ids].sort().reverse());
  const updated = (await s.http.get('/fhir/Patient?_tag=urn:test|sort&_sort=_lastUpdated')).body.entry.map(
    (e: { resource: { meta: { lastUpdated: string } } }) => e.resource.meta.lastUpdated,
  );
  assert.deepEqual(updated, [...updated].sort());
  for (const bad of ['nonsense', 'family,,', '-']) assert.equal((await s.http.get(`/fhir/Patient?_sort=${bad}`)).status, 400, bad);
  assert.equal((await s.http.get('/fhir/Observation?_sort=code-value-quantity')).status, 400);
  assert.equal((await s.http.get('/fhir/Patient?_sort=family&_cursor=bm9wZQ')).status, 400);
  // A cursor that decodes but does not fit the sort keys (a word where a date belongs, a number for a name).
  const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  for (const [sort, values] of [
    ['birthdate', ['garbage', 5]],
    ['family', [12, 1]],
    ['family', ['a', 'b']],
    ['birthdate', [null, 5]],
  ] as const) {
    const res = await s.http.get(`/fhir/Patient?_sort=${sort}&_cursor=${cursor(values)}`);
    assert.equal(res.status, 400, `${sort} ${JSON.stringify(values)}`);
    assert.match(res.body.issue[0].diagnostics, /Invalid paging cursor/);
  }
});

test('paging by date gives the same pages whatever time zone the server runs in', async () => {
  const all = await labels('_sort=-birthdate');
  const zone = process.env.TZ;
  // Sort values the database gives as zone-less UTC text must not be read as local time when a cursor is made.
  process.env.TZ = 'America/New_York';
  try {
    const seen: string[] = [];
    let url: string | undefined = '/fhir/Patient?_tag=urn:test|sort&_sort=-birthdate&_count=1';
    // A cursor read in the wrong zone repeats pages without end: stop one page past the last.
    while (url && seen.length <= all.length) {
      const page = await s.http.get(url);
      assert.equal(page.status, 200, page.text);
      seen.push(
        ...page.body.entry.map(
          (e: { resource: { name: { family: string }[]; birthDate?: string } }) =>
            `${e.resource.name[0].family}:${e.resource.birthDate ?? '-'}`,
        ),
      );
      url = page.body.link.find((l: { relation: string }) => l.relation === 'next')?.url.replace('http://localhost:8080', '');
    }
    assert.deepEqual(seen, all);
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});
