// Seeded, bounded fuzz over what clients send: search values of every parameter type with modifiers, prefixes,
// chains and _has; _sort/_include/_count/_summary/_elements; mutated paging cursors; history parameters; and
// resource bodies (nesting, huge numbers, impossible dates, bad UTF-8, lone surrogates, prototype keys, big arrays).
// Every answer must be a non-5xx within 2 s, and every refusal an OperationOutcome (issue 15, "Done when").
// Reproduce a failure with FUZZ_SEED=<seed>; FUZZ_REQUESTS sets how many requests are sent (default 2500).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { patient } from './support/fixtures.js';
import { Picker, chainKey, countValue, hasKey, hostileBody, listOf, modifier, searchValue, seededRandom } from './support/fuzz-values.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import { listen, type Listening } from './support/listen.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2500);
const SLOW_MS = 2000;
const TYPES = [
  'Patient',
  'Observation',
  'Observation',
  'Observation',
  'Condition',
  'MedicationStatement',
  'RiskAssessment',
  'Encounter',
  'Practitioner',
  'DiagnosticReport',
  'AllergyIntolerance',
  'Immunization',
  'Device',
  'Group',
];

let s: TestServer;
let server: Listening;
const params = new Map<string, { name: string; type: string }[]>();
let patientIds: string[] = [];
let nextLinks: string[] = [];

before(async () => {
  s = await startTestServer();
  server = await listen(s.built.app);
  const meta = (await s.http.get('/fhir/metadata')).body as {
    rest: { resource: { type: string; searchParam?: { name: string; type: string }[] }[] }[];
  };
  for (const r of meta.rest[0].resource) params.set(r.type, r.searchParam ?? []);
  patientIds = [];
  for (let i = 0; i < 3; i++) {
    const res = await s.http
      .post('/fhir/Patient')
      .set('Content-Type', FHIR_JSON)
      .send(patient({ name: [{ family: `Fuzz${i}`, given: ['Ann'] }], birthDate: `198${i}-02-2${i}`, gender: 'female' }));
    patientIds.push(res.body.id);
  }
  const entries = [];
  for (let i = 0; i < 40; i++) {
    entries.push({
      request: { method: 'POST', url: 'Observation' },
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
        subject: { reference: `Patient/${patientIds[i % 3]}` },
        effectiveDateTime: `2026-0${1 + (i % 9)}-1${i % 10}T08:00:00Z`,
        valueQuantity: { value: i % 11, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
      },
    });
  }
  entries.push({
    request: { method: 'POST', url: 'Condition' },
    resource: { resourceType: 'Condition', subject: { reference: `Patient/${patientIds[0]}` }, code: { text: 'Fibromyalgia' } },
  });
  entries.push({
    request: { method: 'POST', url: 'RiskAssessment' },
    resource: {
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: `Patient/${patientIds[1]}` },
      prediction: [{ probabilityDecimal: 0.25 }],
    },
  });
  const tx = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Bundle', type: 'transaction', entry: entries });
  assert.equal(tx.status, 200, JSON.stringify(tx.body).slice(0, 500));
  const paged = await s.http.get('/fhir/Observation?_count=5&_sort=-date');
  nextLinks = (paged.body.link as { relation: string; url: string }[]).filter((l) => l.relation === 'next').map((l) => l.url);
  assert.ok(nextLinks.length > 0, 'a search over 40 Observations with _count=5 has a next page');
});
after(async () => {
  await server?.close();
  await s?.close();
});

function encode(p: Picker, value: string): string {
  if (p.chance(0.03)) return p.pick(['%zz', '%', '%00', '%E0%A4', '%ED%A0%80', value]);
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function searchQuery(p: Picker, type: string): string {
  const own = params.get(type) ?? [];
  const parts: string[] = [];
  for (let i = 0, n = p.int(4); i < n && own.length; i++) {
    const sp = p.pick(own);
    const key = p.chance(0.08)
      ? chainKey(
          p,
          own.map((x) => x.name),
        )
      : p.chance(0.05)
        ? hasKey(p)
        : sp.name + modifier(p);
    const value = key.endsWith(':missing') ? p.pick(['true', 'false', 'maybe', '']) : listOf(p, () => searchValue(p, sp.type));
    parts.push(`${key}=${encode(p, value)}`);
  }
  const names = own.map((x) => x.name);
  if (p.chance(0.3)) {
    const keys = p.times(1 + p.int(p.chance(0.2) ? 200 : 4), () => (p.chance(0.5) ? '-' : '') + (names.length ? p.pick(names) : '_id'));
    parts.push(`_sort=${encode(p, keys.join(','))}`);
  }
  if (p.chance(0.2)) {
    for (let i = 0, n = 1 + p.int(p.chance(0.2) ? 100 : 3); i < n; i++) {
      parts.push(
        `${p.pick(['_include', '_revinclude', '_include:iterate'])}=${encode(
          p,
          p.pick([
            `${type}:subject`,
            `${type}:patient`,
            '*',
            'Observation:subject:Patient',
            'X:Y:Z',
            ':',
            `${type}:${p.pick(names.length ? names : ['x'])}`,
            '',
          ]),
        )}`,
      );
    }
  }
  if (p.chance(0.3)) parts.push(`_count=${encode(p, countValue(p))}`);
  if (p.chance(0.15)) parts.push(`_summary=${p.pick(['count', 'true', 'false', 'text', 'data', 'bogus', ''])}`);
  if (p.chance(0.15)) parts.push(`_total=${p.pick(['accurate', 'estimate', 'none', 'bogus'])}`);
  if (p.chance(0.15))
    parts.push(
      `_elements=${encode(p, p.times(1 + p.int(p.chance(0.2) ? 300 : 3), () => p.pick(['id', 'name', 'code', 'x', '', '__proto__', 'meta.versionId'])).join(','))}`,
    );
  return parts.join('&');
}

function mutatedCursor(p: Picker): string {
  const url = new URL(p.pick(nextLinks));
  const cursor = url.searchParams.get('_cursor') ?? '';
  const i = p.int(Math.max(cursor.length, 1));
  const replacement = p.pick(['', 'A', '=', '%', '-1', '9'.repeat(40), 'eyJhIjoxfQ', 'NaN', '..', cursor + cursor]);
  url.searchParams.set('_cursor', p.chance(0.3) ? replacement : cursor.slice(0, i) + replacement + cursor.slice(i + 1));
  return url.pathname + url.search;
}

function historyPath(p: Picker): string {
  const base = p.pick(['/fhir/_history', '/fhir/Observation/_history', `/fhir/Patient/${p.pick(patientIds)}/_history`]);
  const q = [
    `_since=${encode(p, searchValue(p, 'date'))}`,
    `_at=${encode(p, searchValue(p, 'date'))}`,
    `_count=${encode(p, countValue(p))}`,
  ];
  return `${base}?${q.filter(() => p.chance(0.6)).join('&')}`;
}

interface Sent {
  method: string;
  path: string;
  contentType?: string;
  body?: Buffer;
}

function nextRequest(p: Picker): Sent {
  const roll = p.rnd();
  const type = p.pick(TYPES);
  if (roll < 0.62) return { method: 'GET', path: `/fhir/${type}?${searchQuery(p, type)}` };
  if (roll < 0.67)
    return {
      method: 'POST',
      path: `/fhir/${type}/_search`,
      contentType: 'application/x-www-form-urlencoded',
      body: Buffer.from(searchQuery(p, type)),
    };
  if (roll < 0.73) return { method: 'GET', path: mutatedCursor(p) };
  if (roll < 0.78) return { method: 'GET', path: historyPath(p) };
  const { type: bodyType, body } = hostileBody(p, p.pick(patientIds));
  if (p.chance(0.3)) return { method: 'PUT', path: `/fhir/${bodyType}/fuzz-${p.int(50)}`, contentType: FHIR_JSON, body };
  return { method: 'POST', path: `/fhir/${bodyType}`, contentType: FHIR_JSON, body };
}

test(
  `fuzz: ${REQUESTS} generated requests (seed ${SEED}) get no 5xx, no answer slower than ${SLOW_MS} ms, and OperationOutcomes for refusals`,
  { timeout: 15 * 60_000 },
  async () => {
    const p = new Picker(seededRandom(SEED));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS && failures.length < 20; i++) {
      const sent = nextRequest(p);
      const shown = `#${i} ${sent.method} ${sent.path.slice(0, 300)}${sent.body ? ` body ${sent.body.subarray(0, 160).toString('latin1')}` : ''}`;
      const started = performance.now();
      try {
        const res = await server.fetch(sent.path, {
          method: sent.method,
          ...(sent.body ? { body: new Uint8Array(sent.body), headers: { 'Content-Type': sent.contentType! } } : {}),
        });
        const text = await res.text();
        const ms = performance.now() - started;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) failures.push(`${shown} -> ${res.status} ${text.slice(0, 300)}`);
        else if (ms > SLOW_MS) failures.push(`${shown} -> ${res.status} after ${Math.round(ms)} ms`);
        else if (res.status >= 400 && !/"resourceType":\s*"OperationOutcome"/.test(text))
          failures.push(`${shown} -> ${res.status} without an OperationOutcome: ${text.slice(0, 200)}`);
      } catch (err) {
        failures.push(`${shown} -> no answer: ${(err as Error).message} ${String((err as { cause?: Error }).cause ?? '')}`);
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no body polluted Object.prototype');
    assert.deepEqual(failures, [], `seed ${SEED}; statuses ${JSON.stringify([...statuses])}`);
    // The fuzz reached both sides: successes and refusals.
    assert.ok([...statuses.keys()].some((st) => st < 300) && [...statuses.keys()].some((st) => st >= 400), JSON.stringify([...statuses]));
  },
);
