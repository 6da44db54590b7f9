// Observation/$stats: a patient's heart rate, pain and blood pressure summarised per code by the database, GET and
// POST, per day with bucket=day, and every input error a 400 naming its parameter.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Observation, OperationOutcome, Parameters } from 'fhir/r4.js';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
let ann = '';
let bob = '';
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const post = async (type: string, body: unknown) =>
  (await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
const quantity = (value: number, code: string) => ({ value, unit: code, system: UCUM, code });
const heartRate = (subject: string, bpm: number, when: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '8867-4' }] },
  subject: { reference: subject },
  effectiveDateTime: when,
  valueQuantity: quantity(bpm, '/min'),
  ...extra,
});
const bloodPressure = (subject: string, systolic: number, diastolic: number, when: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: LOINC, code: '85354-9' }] },
  subject: { reference: subject },
  effectiveDateTime: when,
  component: [
    { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: quantity(systolic, 'mm[Hg]') },
    { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: quantity(diastolic, 'mm[Hg]') },
  ],
});

before(async () => {
  s = await startTestServer();
  ann = await post('Patient', patient());
  bob = await post('Patient', patient());
  // Ann: heart rate 60, 70, 80 on 1 March and 90, 100 on 2 March; one more in 2025 (outside the periods below).
  for (const [bpm, when] of [
    [60, '2026-03-01T08:00:00Z'],
    [70, '2026-03-01T12:00:00Z'],
    [80, '2026-03-01T20:00:00Z'],
    [90, '2026-03-02T08:00:00Z'],
    [100, '2026-03-02T09:00:00Z'],
    [40, '2025-06-01T08:00:00Z'],
  ] as const) {
    await post('Observation', heartRate(`Patient/${ann}`, bpm, when));
  }
  // Ann's, though Bob performed it: in Bob's compartment, never in his statistics.
  await post('Observation', heartRate(`Patient/${ann}`, 75, '2026-03-02T10:00:00Z', { performer: [{ reference: `Patient/${bob}` }] }));
  // A heart rate without a value (total-count counts it, count does not).
  await post('Observation', {
    ...heartRate(`Patient/${ann}`, 0, '2026-03-02T11:00:00Z'),
    valueQuantity: undefined,
    dataAbsentReason: { text: 'sensor off' },
  });
  await post('Observation', heartRate(`Patient/${bob}`, 150, '2026-03-01T08:00:00Z'));
  for (const [score, when] of [
    [4, '2026-03-01T07:00:00Z'],
    [8, '2026-03-01T18:00:00Z'],
    [6, '2026-03-02T18:00:00Z'],
  ] as const) {
    await post('Observation', painScore(`Patient/${ann}`, score, when));
  }
  await post('Observation', bloodPressure(`Patient/${ann}`, 120, 80, '2026-03-01T09:00:00Z'));
  await post('Observation', bloodPressure(`Patient/${ann}`, 140, 90, '2026-03-02T09:00:00Z'));
});
after(async () => {
  await s.close();
});

type Stats = Record<string, number | string>;
/** Each statistics Observation as code[@day] -> { statistic: value } (counts as integers, others as quantities). */
function read(body: Parameters): Record<string, Stats> {
  const out: Record<string, Stats> = {};
  for (const p of body.parameter ?? []) {
    if (p.name !== 'statistics') continue;
    const obs = p.resource as Observation;
    assert.equal(obs.status, 'final');
    const day = obs.effectivePeriod?.start?.slice(0, 10);
    const key = `${obs.code.coding![0].code}${obs.effectivePeriod?.end?.endsWith('T23:59:59.999Z') ? `@${day}` : ''}`;
    out[key] = Object.fromEntries(
      (obs.component ?? []).map((c) => [
        c.code.coding![0].code!,
        c.valueInteger ?? (c.valueQuantity ? Number(c.valueQuantity.value!.toFixed(6)) : c.dataAbsentReason!.coding![0].code!),
      ]),
    );
  }
  return out;
}

const get = async (query: string) => {
  const res = await s.http.get(`/fhir/Observation/$stats?${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body as Parameters;
};
const march = 'period=2026-03-01/2026-03-02';

test("GET: average, extremes, count, sum, median and percentiles of one patient's heart rate over a period", async () => {
  const body = await get(
    `subject=Patient/${ann}&system=${LOINC}&code=8867-4&${march}&statistic=average,maximum,minimum,count,total-count,sum,median,20-percent,4-dev,std-dev,variance`,
  );
  // Ann's six March values (one performed by Bob is still Ann's): 60 70 75 80 90 100.
  const values = [60, 70, 75, 80, 90, 100];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  const round = (x: number) => Number(x.toFixed(6));
  assert.deepEqual(read(body), {
    '8867-4': {
      average: round(mean),
      maximum: 100,
      minimum: 60,
      count: 6,
      'total-count': 7,
      sum: 475,
      median: 77.5,
      // Ranks at 0.2 * 5 = 1 (70); quartiles at 1.25 (71.25) and 3.75 (87.5).
      '20-percent': 70,
      '4-dev': (87.5 - 71.25) / 2,
      'std-dev': round(Math.sqrt(variance)),
      variance: round(variance),
    },
  });
  const obs = body.parameter![0].resource as Observation;
  assert.deepEqual(obs.subject, { reference: `Patient/${ann}` });
  assert.deepEqual(obs.effectivePeriod, { start: '2026-03-01', end: '2026-03-02' });
  assert.deepEqual(obs.component![1].valueQuantity, { value: 100, unit: '/min', system: UCUM, code: '/min' });
});

test('bucket=day: daily mean and maximum, one Observation per day', async () => {
  const body = await get(`subject=Patient/${ann}&code=8867-4&code=72514-3&${march}&statistic=average&statistic=max&bucket=day`);
  assert.deepEqual(read(body), {
    '72514-3@2026-03-01': { average: 6, maximum: 8 },
    '72514-3@2026-03-02': { average: 6, maximum: 6 },
    '8867-4@2026-03-01': { average: 70, maximum: 80 },
    '8867-4@2026-03-02': { average: 88.333333, maximum: 100 },
  });
});

test('a panel code gives each of its measurements by its own code; a component code alone gives that one', async () => {
  assert.deepEqual(read(await get(`subject=Patient/${ann}&code=85354-9&statistic=average,count`)), {
    '8462-4': { average: 85, count: 2 },
    '8480-6': { average: 130, count: 2 },
  });
  assert.deepEqual(read(await get(`subject=Patient/${ann}&code=8480-6&statistic=maximum`)), { '8480-6': { maximum: 140 } });
});

test("only the subject's own Observations, not those it performed; no period means all time, its extent answered", async () => {
  const bobs = await get(`subject=Patient/${bob}&code=8867-4&statistic=count,maximum`);
  assert.deepEqual(read(bobs), { '8867-4': { count: 1, maximum: 150 } });
  const all = await get(`subject=Patient/${ann}&code=8867-4&statistic=minimum`);
  assert.deepEqual((all.parameter![0].resource as Observation).effectivePeriod, {
    start: '2025-06-01T08:00:00.000Z',
    end: '2026-03-02T10:00:00.000Z',
  });
  assert.deepEqual(read(all), { '8867-4': { minimum: 40 } });
});

test('a code nothing matched is answered with a count of 0', async () => {
  assert.deepEqual(read(await get(`subject=Patient/${ann}&code=93832-4&statistic=count,average`)), {
    '93832-4': { count: 0, average: 'not-performed' },
  });
});

test('POST with a Parameters body: coding, period, include with limit', async () => {
  const res = await s.http
    .post('/fhir/Observation/$stats')
    .set('Content-Type', FHIR_JSON)
    .send(
      JSON.stringify({
        resourceType: 'Parameters',
        parameter: [
          { name: 'subject', valueUri: `Patient/${ann}` },
          { name: 'coding', valueCoding: { system: LOINC, code: '72514-3' } },
          { name: 'period', valuePeriod: { start: '2026-03-01', end: '2026-03-01' } },
          { name: 'statistic', valueCode: 'average' },
          { name: 'include', valueBoolean: true },
          { name: 'limit', valuePositiveInt: 1 },
        ],
      }),
    );
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(read(res.body as Parameters), { '72514-3': { average: 6 } });
  const sources = (res.body as Parameters).parameter!.filter((p) => p.name === 'source');
  assert.equal(sources.length, 1);
  assert.equal((sources[0].resource as Observation).valueQuantity?.value, 8, 'the latest source first');
});

test('errors are 400 OperationOutcomes naming the parameter', async () => {
  const cases: [string, string, RegExp][] = [
    ['code=8867-4&statistic=average', 'subject', /needs a subject/],
    [`subject=Patient/${ann}&statistic=average`, 'code', /needs the codes/],
    [`subject=Patient/${ann}&code=8867-4`, 'statistic', /at least one statistic/],
    [`subject=Patient/${ann}&code=8867-4&statistic=mode`, 'statistic', /unknown statistic 'mode'/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average,skew`, 'statistic', /skew is not supported/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&period=2026-13-01/2026-03-02`, 'period', /period.start must be/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&period=2026-03-05/2026-03-02`, 'period', /after period.end/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&period=2026`, 'period', /start\/end/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&duration=-2`, 'duration', /positive number of hours/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&duration=2&${march}`, 'period', /not both/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&bucket=week`, 'bucket', /takes 'day'/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&include=true&limit=0`, 'limit', /limit must be/],
    [`subject=http://elsewhere.example/fhir/Patient/1&code=8867-4&statistic=average`, 'subject', /on this server/],
    [`subject=Patient/${ann}&code=8867-4&statistic=average&colour=red`, 'colour', /no parameter 'colour'/],
  ];
  for (const [query, parameter, message] of cases) {
    const res = await s.http.get(`/fhir/Observation/$stats?${query}`);
    assert.equal(res.status, 400, `${query}: ${res.text}`);
    const issue = (res.body as OperationOutcome).issue[0];
    assert.match(issue.diagnostics ?? '', message, query);
    assert.deepEqual(issue.expression, [parameter], query);
  }
});

test('the last `duration` hours: nothing of 2026 is that recent', async () => {
  assert.deepEqual(read(await get(`subject=Patient/${ann}&code=8867-4&statistic=count&duration=1`)), { '8867-4': { count: 0 } });
});

test("the CapabilityStatement lists $stats on Observation with FibroTrack's OperationDefinition", async () => {
  const cap = (await s.http.get('/fhir/metadata')).body;
  const obs = cap.rest[0].resource.find((r: { type: string }) => r.type === 'Observation');
  assert.deepEqual(
    obs.operation.filter((o: { name: string }) => o.name === 'stats'),
    [{ name: 'stats', definition: 'https://fhir.fibrotrack.org/OperationDefinition/Observation-stats' }],
  );
  // The definition /metadata names is published and resolves, with FibroTrack's bucket beside R4's parameters.
  const defined = await s.http.get('/fhir/OperationDefinition?url=https://fhir.fibrotrack.org/OperationDefinition/Observation-stats');
  const def = defined.body.entry?.[0]?.resource;
  assert.equal(def?.base, 'http://hl7.org/fhir/OperationDefinition/Observation-stats', defined.text);
  assert.ok(def.parameter.some((p: { name: string }) => p.name === 'bucket'));
});
