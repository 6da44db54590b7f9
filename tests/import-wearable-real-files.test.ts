// Patient/$import-wearable with the shapes real exports have (issue 23): byte order marks, activity summaries and
// breathing rate, Apple skip counts per record, records sharing an id, field variants, DST days, old heart shapes.
// Every answer's counts add up: created + unchanged + skipped = the records the file holds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Parameters } from 'fhir/r4.js';
import { answerCount, assertCountsAddUp, observationCount, skipReasons } from './support/import-answer.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;

const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);
const count = (p: Parameters, name: string) => answerCount(p, name) ?? -1;

const newPatient = async () =>
  (await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id as string;

const upload = (patient: string, body: string | Buffer, name: string, query = '?timeZone=Europe/Berlin', type = 'application/json') =>
  server.http
    .post(`/fhir/Patient/${patient}/$import-wearable${query}`)
    .set('Content-Type', type)
    .set('Content-Disposition', `attachment; filename="${name}"`)
    .send(body);

/** Imports the file twice: the first answer creates, the second finds everything unchanged; counts add up to `records`. */
async function importTwice(body: string | Buffer, name: string, records: number, query?: string, type?: string) {
  const patient = await newPatient();
  const first = await upload(patient, body, name, query, type);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const second = await upload(patient, body, name, query, type);
  assert.equal(second.status, 200, JSON.stringify(second.body));
  assert.equal(count(second.body, 'created'), 0, 'a second import creates nothing');
  for (const res of [first, second]) assertCountsAddUp(res.body, records);
  return { patient, body: first.body as Parameters };
}

const observations = async (patient: string, code: string) => {
  const res = await server.http.get(`/fhir/Observation?patient=${patient}&code=${encodeURIComponent(code)}&_sort=date&_count=200`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.entry ?? []).map((e: { resource: unknown }) => e.resource) as import('fhir/r4.js').Observation[];
};

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const BOM = '\ufeff';
const restingDay = { 'activities-heart': [{ dateTime: '2026-05-04', value: { heartRateZones: [], restingHeartRate: 58 } }] };

test('1. Fitbit and Google Fit files that start with a UTF-8 byte order mark are imported like any other', async () => {
  const fitbit = await importTwice(BOM + JSON.stringify(restingDay, null, 2), 'heart-bom.json', 1);
  assert.equal(count(fitbit.body, 'created'), 2, 'resting heart rate and its Device');
  assert.equal((await observations(fitbit.patient, 'http://loinc.org|40443-4'))[0].valueQuantity!.value, 58);

  const googleFit = {
    dataSourceId: 'derived:com.google.heart_rate.bpm:com.google.android.gms:merge_heart_rate_bpm',
    point: [
      {
        startTimeNanos: '1777900000000000000',
        endTimeNanos: '1777900000000000000',
        dataTypeName: 'com.google.heart_rate.bpm',
        value: [{ fpVal: 71 }],
      },
    ],
  };
  const gf = await importTwice(BOM + JSON.stringify(googleFit), 'hr-bom.json', 1, '');
  assert.equal(param(gf.body, 'source')?.valueCode, 'google-fit');
});

test('1. a JSON syntax error names the offending character, its line, column and byte, not the end of the file', async () => {
  const patient = await newPatient();
  // The 'x' on line 3 is the first character that cannot be there; the file goes on for kilobytes after it.
  const text = `${BOM}{\n  "activities-heart": [\n    x{"dateTime": "2026-05-04"}],\n  "pad": "${'p'.repeat(5000)}"\n}`;
  const res = await upload(patient, text, 'broken-bom.json');
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.resourceType, 'OperationOutcome');
  const at = text.indexOf('x{');
  assert.equal(res.body.issue[0].location[0], `broken-bom.json character ${at}`);
  assert.match(res.body.issue[0].diagnostics, /line 3, column 5, byte 33/);
  assert.doesNotMatch(res.body.issue[0].diagnostics, /\\ufeff|'\ufeff'/);
});

const appleXml = (records: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 11 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram)*)>
]>
<HealthData locale="en_US">
 <ExportDate value="2026-05-10 21:00:00 -0400"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth=""/>
${records}</HealthData>
`;
const appleRecord = (type: string, unit: string, value: string, at: string) =>
  ` <Record type="${type}" sourceName="Phone" unit="${unit}" startDate="${at}" endDate="${at}" value="${value}"/>\n`;

test('3. Apple: every skip count counts records, not reasons, and the counts add up', async () => {
  const hr = (at: string, v: string) => appleRecord('HKQuantityTypeIdentifierHeartRate', 'count/min', v, at);
  const bmi = (at: string) => appleRecord('HKQuantityTypeIdentifierBodyMassIndex', 'count', '22.1', at);
  const sys = (at: string) => appleRecord('HKQuantityTypeIdentifierBloodPressureSystolic', 'mmHg', '118', at);
  const dia = (at: string) => appleRecord('HKQuantityTypeIdentifierBloodPressureDiastolic', 'mmHg', '76', at);
  const at = '2026-05-09 08:00:00 -0400';
  const xml = appleXml(
    hr(at, '61') +
      hr('2026-05-09 08:05:00 -0400', '64') +
      hr('2026-05-09 08:10:00 -0400', '66') +
      bmi(at) +
      bmi('2026-05-10 08:00:00 -0400') +
      bmi('2026-05-11 08:00:00 -0400') +
      sys(at) +
      dia(at) +
      ` <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Phone" startDate="${at}" endDate="${at}">\n ${sys(at)} ${dia(at)} </Correlation>\n`,
  );
  // 3 heart rates stored; 3 BMI + 2 blood pressure records not mapped, the Correlation itself and its 2 copies skipped.
  const { body } = await importTwice(xml, 'export.xml', 11, '', 'application/xml');
  assert.equal(count(body, 'skipped'), 8);
  const bmiReason = skipReasons(body).find((r) => /BodyMassIndex/.test(r.reason))!;
  assert.equal(bmiReason.count, 3);
  assert.doesNotMatch(bmiReason.reason, /records\)/, 'the count is in count, not in the text');
  assert.equal(skipReasons(body).find((r) => /inside a Correlation/.test(r.reason))!.count, 2);
});

test('4. two Fitbit weight logs sharing a logId: the scale reading is stored, the typed-in one reported; no stray Device', async () => {
  const weights = {
    weight: [
      { bmi: 24.1, date: '2026-05-06', logId: 1778111999000, source: 'API', time: '23:59:59', weight: 73 },
      { bmi: 23.9, date: '2026-05-06', logId: 1778111999000, source: 'Aria', time: '21:10:59', weight: 72.5 },
      { bmi: 23.9, date: '2026-05-07', logId: 1778198400000, source: 'Web', time: '07:00:00', weight: 72.8 },
      { bmi: 23.9, date: '2026-05-07', logId: 1778198400000, source: 'Web', time: '07:00:00', weight: 72.9 },
    ],
  };
  const { patient, body } = await importTwice(JSON.stringify(weights), 'weight.json', 4);
  const stored = await observations(patient, 'http://loinc.org|29463-7');
  assert.deepEqual(
    stored.map((o) => [o.effectiveDateTime, o.valueQuantity!.value]),
    [
      ['2026-05-06T21:10:59+02:00', 72.5],
      ['2026-05-07T07:00:00+02:00', 72.8],
    ],
  );
  const skipped = skipReasons(body);
  assert.equal(skipped.length, 2);
  assert.match(skipped[0].reason, /weight log 1778111999000 repeated at weight\[1\]: the scale's reading there is kept/);
  assert.equal(skipped[0].firstPosition, 'weight.json weight[0]');
  assert.match(skipped[1].reason, /weight log 1778198400000 repeated at weight\[2\]: the first is kept/);
  // Both Devices (the tracker for the typed-in entry that stays, the Aria) are referenced by a stored Observation.
  const devices = await server.http.get(`/fhir/Device?_count=200`);
  const referenced = new Set(stored.map((o) => o.device!.reference));
  const aria = devices.body.entry
    .map((e: { resource: { id: string; modelNumber?: string } }) => e.resource)
    .filter((d: { modelNumber?: string }) => d.modelNumber === 'Aria');
  assert.ok(aria.some((d: { id: string }) => referenced.has(`Device/${d.id}`)));
  assert.equal(observationCount(body, 'created'), 2);
});

test('5. sleep stage segments keyed `datetime`, and v1 logs with startTime and duration but no endTime, are stored', async () => {
  const sleep = {
    sleep: [
      {
        logId: 52001,
        dateOfSleep: '2026-05-05',
        startTime: '2026-05-04T23:10:00.000',
        endTime: '2026-05-05T00:10:00.000',
        duration: 3_600_000,
        minutesAsleep: 50,
        isMainSleep: true,
        type: 'stages',
        levels: {
          data: [
            { datetime: '2026-05-04T23:10:00.000', level: 'light', seconds: 1200 },
            { datetime: '2026-05-04T23:30:00.000', level: 'deep', seconds: 1800 },
            { datetime: '2026-05-05T00:00:00.000', level: 'wake', seconds: 600 },
          ],
        },
      },
      // A v1 (classic) log: the end is startTime + duration.
      {
        logId: 52002,
        dateOfSleep: '2026-05-06',
        startTime: '2026-05-05T22:45:30.000',
        duration: 27_000_000,
        minutesAsleep: 420,
        isMainSleep: true,
      },
    ],
  };
  const { patient } = await importTwice(JSON.stringify(sleep), 'sleep-variants.json', 5);
  const logs = await observations(patient, 'http://loinc.org|93832-4');
  assert.deepEqual(
    logs.map((o) => o.effectivePeriod),
    [
      { start: '2026-05-04T23:10:00+02:00', end: '2026-05-05T00:10:00+02:00' },
      { start: '2026-05-05T22:45:30+02:00', end: '2026-05-06T06:15:30+02:00' },
    ],
  );
  const stages = await observations(patient, 'https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation|sleep-stage');
  assert.deepEqual(
    stages.map((o) => [o.effectivePeriod!.start, o.valueCodeableConcept!.coding![0].code]),
    [
      ['2026-05-04T23:10:00+02:00', 'light'],
      ['2026-05-04T23:30:00+02:00', 'deep'],
      ['2026-05-05T00:00:00+02:00', 'awake'],
    ],
  );
});

test("8. the old heart shape's string value is the mean heart rate of the points asked for, not a resting heart rate", async () => {
  const old = {
    'activities-heart': [
      {
        customHeartRateZones: [],
        dateTime: '2026-05-08',
        value: '55.44',
        heartRateZones: [{ caloriesOut: 1.2, max: 94, min: 30, minutes: 5, name: 'Out of Range' }],
      },
    ],
    'activities-heart-intraday': {
      dataset: [
        { time: '06:00:00', value: 54 },
        { time: '06:01:00', value: 56 },
        { time: '06:02:00', value: 55 },
        { time: '06:03:00', value: 57 },
        { time: '06:04:00', value: 55.2 },
      ],
      datasetInterval: 1,
      datasetType: 'minute',
    },
  };
  const { patient } = await importTwice(JSON.stringify(old), 'heart-old-shape.json', 6);
  assert.deepEqual(await observations(patient, 'http://loinc.org|40443-4'), [], 'no resting heart rate');
  const mean = (await observations(patient, 'http://loinc.org|8867-4')).filter((o) => o.effectivePeriod);
  assert.equal(mean.length, 1);
  assert.equal(mean[0].valueQuantity!.value, 55.44);
  assert.deepEqual(mean[0].effectivePeriod, { start: '2026-05-08T06:00:00+02:00', end: '2026-05-08T06:04:00+02:00' });
  assert.equal(mean[0].note![0].text, 'Mean heart rate over the period');
});

test('2. a Fitbit daily activity summary: steps, active minutes by level, sessions; the rest reported as skipped', async () => {
  const day = {
    activities: [
      {
        activityId: 90013,
        activityParentName: 'Walk',
        calories: 142,
        distance: 2.31,
        duration: 2_160_000,
        hasStartTime: true,
        logId: 7001,
        name: 'Walk',
        startDate: '2026-05-04',
        startTime: '07:58',
        steps: 3012,
      },
    ],
    goals: { activeMinutes: 30, steps: 8000 },
    summary: {
      caloriesOut: 1980,
      fairlyActiveMinutes: 14,
      lightlyActiveMinutes: 188,
      sedentaryMinutes: 702,
      steps: 6904,
      veryActiveMinutes: 21,
    },
  };
  // 1 session, steps, active minutes stored; goals and caloriesOut skipped.
  const { patient, body } = await importTwice(JSON.stringify(day), 'activities-2026-05-04.json', 5);
  assert.equal(param(body, 'source')?.valueCode, 'fitbit');
  const [active] = await observations(patient, 'http://loinc.org|55411-3');
  const byCode = (o: import('fhir/r4.js').Observation) => new Map((o.component ?? []).map((c) => [c.code.coding![0].code, c]));
  const exercise = await observations(patient, 'https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation|active-minutes');
  assert.equal(exercise.length, 1);
  assert.equal(exercise[0].valueQuantity!.value, 35, 'very + fairly active minutes');
  assert.equal(byCode(exercise[0]).get('sedentary-minutes')!.valueQuantity!.value, 702);
  assert.deepEqual(exercise[0].effectivePeriod, { start: '2026-05-04T00:00:00+02:00', end: '2026-05-04T23:59:59+02:00' });
  const walk = (await observations(patient, 'http://loinc.org|55411-3')).find((o) => o.identifier![0].value === 'fitbit:activity:7001')!;
  assert.ok(active);
  assert.deepEqual(walk.effectivePeriod, { start: '2026-05-04T07:58:00+02:00', end: '2026-05-04T08:34:00+02:00' });
  assert.equal(walk.valueQuantity!.value, 36);
  assert.equal(byCode(walk).get('41981-2')!.valueQuantity!.value, 142);
  assert.deepEqual(byCode(walk).get('exercise-distance')!.valueQuantity, {
    value: 2.31,
    unit: 'km',
    system: 'http://unitsofmeasure.org',
    code: 'km',
  });
  assert.equal((await observations(patient, 'http://loinc.org|41950-7'))[0].valueQuantity!.value, 6904);
  assert.deepEqual(
    skipReasons(body).map((r) => r.firstPosition),
    ['activities-2026-05-04.json goals', 'activities-2026-05-04.json summary.caloriesOut'],
  );
});

test('2. Fitbit breathing rate is stored as respiratory rate (LOINC 9279-1), with the rate per sleep stage', async () => {
  const br = {
    br: [
      {
        value: {
          deepSleepSummary: { breathingRate: 14.2 },
          remSleepSummary: { breathingRate: -1 },
          fullSleepSummary: { breathingRate: 15.6 },
          lightSleepSummary: { breathingRate: 15.9 },
        },
        dateTime: '2026-05-04',
      },
      { value: { breathingRate: 0 }, dateTime: '2026-05-05' },
    ],
  };
  const { patient, body } = await importTwice(JSON.stringify(br), 'br-2026-05-04.json', 2);
  const [rate] = await observations(patient, 'http://loinc.org|9279-1');
  assert.deepEqual(rate.valueQuantity, { value: 15.6, unit: 'breaths/minute', system: 'http://unitsofmeasure.org', code: '/min' });
  assert.equal(rate.category![0].coding![0].code, 'vital-signs');
  assert.deepEqual(
    rate.component!.map((c) => [c.code.coding![0].code, c.valueQuantity!.value]),
    [
      ['breathing-rate-deep-sleep', 14.2],
      ['breathing-rate-light-sleep', 15.9],
    ],
  );
  assert.match(skipReasons(body)[0].reason, /zero breathing rate/);
});

test('2. a JSON file with nothing of a wearable export in it is still refused whole (415)', async () => {
  const res = await upload(await newPatient(), JSON.stringify({ badges: [{ name: 'x' }] }), 'badges.json');
  assert.equal(res.status, 415, JSON.stringify(res.body));
  assert.equal(res.body.resourceType, 'OperationOutcome');
});

test('6. what the source measured is kept: SpO2 min/max, classic sleep restless minutes, Apple workout distance', async () => {
  const spo2 = await importTwice(JSON.stringify({ dateTime: '2026-05-04', value: { avg: 95.7, min: 92.1, max: 98.4 } }), 'spo2.json', 1);
  const [day] = await observations(spo2.patient, 'http://loinc.org|59408-5');
  assert.deepEqual(
    day.component!.map((c) => [c.code.coding![0].code, c.valueQuantity!.value]),
    [
      ['oxygen-saturation-min', 92.1],
      ['oxygen-saturation-max', 98.4],
    ],
  );

  const classic = {
    sleep: [
      {
        logId: 53001,
        dateOfSleep: '2026-05-05',
        startTime: '2026-05-04T23:00:00.000',
        endTime: '2026-05-05T06:00:00.000',
        duration: 25_200_000,
        minutesAsleep: 390,
        type: 'classic',
        levels: { summary: { asleep: { count: 0, minutes: 390 }, restless: { count: 9, minutes: 22 }, awake: { count: 2, minutes: 8 } } },
      },
    ],
  };
  const sleep = await importTwice(JSON.stringify(classic), 'classic.json', 1);
  const [log] = await observations(sleep.patient, 'http://loinc.org|93832-4');
  assert.deepEqual(
    log.component!.map((c) => [c.code.coding![0].code, c.valueQuantity!.value]),
    [
      ['sleep-awake', 8],
      ['sleep-restless', 22],
      ['sleep-asleep', 390],
    ],
  );

  const run = ` <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30" durationUnit="min" totalDistance="3.1" totalDistanceUnit="mi" totalEnergyBurned="310" totalEnergyBurnedUnit="kcal" sourceName="Watch" startDate="2026-05-09 07:00:00 -0400" endDate="2026-05-09 07:30:00 -0400"/>\n`;
  const apple = await importTwice(appleXml(run), 'export.xml', 1, '', 'application/xml');
  const [workout] = await observations(apple.patient, 'http://loinc.org|55411-3');
  const distance = workout.component!.find((c) => c.code.coding![0].code === 'exercise-distance')!;
  assert.deepEqual(distance.valueQuantity, { value: 4.989, unit: 'km', system: 'http://unitsofmeasure.org', code: 'km' });
});
