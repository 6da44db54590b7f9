// mapFitbit: kinds told from the keys, local times placed with the zone or offset given (DST included), strings
// parsed, gaps dropped, bad input refused with its position or reported in best-effort mode.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MappingError, mapFitbit, type MappingOptions } from '../index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../test-fixtures/fitbit/${name}`, import.meta.url), 'utf8'));
const opts = (extra: Partial<MappingOptions> = {}): MappingOptions => ({
  patientReference: 'Patient/p1',
  timeZone: 'Europe/Berlin',
  ...extra,
});
const byId = (json: unknown, o: Partial<MappingOptions> = {}) =>
  new Map(mapFitbit(json, opts(o)).observations.map((x) => [x.identifier![0].value!, x]));

test('local times need a zone or an offset, and a real one', () => {
  const json = fixture('activities-steps-timeseries.json');
  assert.throws(
    () => mapFitbit(json, { patientReference: 'Patient/p1', fileName: 'steps.json' }),
    (e: unknown) => e instanceof MappingError && e.fileName === 'steps.json' && /timeZone \(IANA\) or utcOffset/.test(e.message),
  );
  assert.throws(() => mapFitbit(json, opts({ timeZone: 'Mars/Olympus' })), /'Mars\/Olympus' is not an IANA time zone/);
  assert.throws(() => mapFitbit(json, opts({ utcOffset: '+2' })), /utcOffset '\+2' is not an offset/);
});

test('spring forward: intraday points before and after the gap take +01:00 and +02:00; the day is 23 hours long', () => {
  const obs = byId(fixture('heart-intraday-dst-spring.json'));
  assert.equal(obs.get('fitbit:heart:2026-03-29T01:59:00')!.effectiveDateTime, '2026-03-29T01:59:00+01:00');
  assert.equal(obs.get('fitbit:heart:2026-03-29T03:00:00')!.effectiveDateTime, '2026-03-29T03:00:00+02:00');
  assert.equal(obs.get('fitbit:heart:2026-03-29T03:00:00')!.valueQuantity!.value, 61, 'the string "61" is parsed');
  const day = obs.get('fitbit:resting-heart:2026-03-29')!.effectivePeriod!;
  assert.deepEqual(day, { start: '2026-03-29T00:00:00+01:00', end: '2026-03-29T23:59:59+02:00' });
  assert.equal(Date.parse(day.end) - Date.parse(day.start), 23 * 3600_000 - 1000);
});

test('fall back: a 15-minute interval ends 15 minutes later; the repeated hour, met once, takes its first offset', () => {
  const obs = byId(fixture('steps-intraday-dst-autumn.json'));
  assert.deepEqual(obs.get('fitbit:steps:2026-10-25T01:45:00')!.effectivePeriod, {
    start: '2026-10-25T01:45:00+02:00',
    end: '2026-10-25T02:00:00+02:00',
  });
  assert.deepEqual(obs.get('fitbit:steps:2026-10-25T02:30:00')!.effectivePeriod, {
    start: '2026-10-25T02:30:00+02:00',
    end: '2026-10-25T02:45:00+02:00',
  });
  assert.deepEqual(obs.get('fitbit:daily-steps:2026-10-25')!.effectivePeriod, {
    start: '2026-10-25T00:00:00+02:00',
    end: '2026-10-25T23:59:59+01:00',
  });
  assert.equal(obs.get('fitbit:daily-steps:2026-10-25')!.valueQuantity!.code, '/d');
});

test('a sleep log crossing the DST change keeps the offset in force when it began, like Fitbit', () => {
  const obs = byId(fixture('sleep-stages-dst.json'));
  const sleep = obs.get('fitbit:sleep:44001')!;
  assert.deepEqual(sleep.effectivePeriod, { start: '2026-03-28T23:30:00+01:00', end: '2026-03-29T06:30:00+01:00' });
  // duration 25,200,000 ms: end - start is exactly the log's duration.
  assert.equal(Date.parse(sleep.effectivePeriod.end) - Date.parse(sleep.effectivePeriod.start), 25_200_000);
  assert.equal(sleep.valueQuantity!.value, 409);
  assert.deepEqual(
    sleep.component!.map((c) => [c.code.coding![0].code, c.valueQuantity!.value]),
    [
      ['93831-6', 60],
      ['93830-8', 260],
      ['93829-0', 90],
      ['sleep-awake', 11],
    ],
  );
  const rem = obs.get('fitbit:sleep:44001:2026-03-29T02:10:00.000')!;
  assert.equal(rem.valueCodeableConcept!.coding![0].code, 'rem');
  assert.deepEqual(rem.effectivePeriod, { start: '2026-03-29T02:10:00+01:00', end: '2026-03-29T03:40:00+01:00' });
  assert.equal(obs.get('fitbit:sleep:44001:short:2026-03-29T04:00:00.000')!.valueCodeableConcept!.coding![0].code, 'awake');
});

test('a fixed offset is used as given, whatever the date', () => {
  const out = mapFitbit(fixture('activities-steps-timeseries.json'), opts({ timeZone: undefined, utcOffset: '-07:00' }));
  assert.deepEqual(
    out.observations.map((o) => o.effectivePeriod),
    [
      { start: '2015-08-23T00:00:00-07:00', end: '2015-08-23T23:59:59-07:00' },
      { start: '2015-08-24T00:00:00-07:00', end: '2015-08-24T23:59:59-07:00' },
    ],
  );
  assert.deepEqual(out.skipped, [{ position: 'activities-steps[2].value', reason: 'zero step count (a gap, not a reading)' }]);
});

test("resting heart rate from the current shape (number or string); the older shape's string value is a mean heart rate", () => {
  const current = byId(fixture('heart-resting-current.json'));
  assert.equal(current.get('fitbit:resting-heart:2026-03-28')!.valueQuantity!.value, 61);
  assert.equal(current.get('fitbit:resting-heart:2026-03-29')!.valueQuantity!.value, 63);
  assert.equal(current.has('fitbit:resting-heart:2026-03-30'), false, 'a day without restingHeartRate makes nothing');
  const old = byId(fixture('activities-heart-1d-1m-intraday.json'), { timeZone: 'America/New_York' });
  assert.equal(old.has('fitbit:resting-heart:2015-08-21'), false);
  assert.equal(old.get('fitbit:heart-mean:2015-08-21')!.valueQuantity!.value, 64.2);
  assert.equal(old.get('fitbit:heart-mean:2015-08-21')!.code.coding![0].code, '8867-4');
});

test('HRV is RMSSD in our own code system; SpO2 carries both LOINC codes; weight in pounds becomes kg', () => {
  const hrv = mapFitbit(fixture('hrv-daily.json'), opts()).observations[1];
  assert.deepEqual(
    hrv.code.coding!.map((c) => `${c.system}|${c.code}`),
    ['https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation|hrv-rmssd'],
  );
  assert.deepEqual(hrv.valueQuantity, { value: 29.5, unit: 'ms', system: 'http://unitsofmeasure.org', code: 'ms' });
  const spo2 = mapFitbit(fixture('spo2-summary.json'), opts()).observations[0];
  assert.deepEqual(
    spo2.code.coding!.map((c) => c.code),
    ['59408-5', '2708-6'],
  );
  assert.equal(spo2.valueQuantity!.value, 95.7);
  assert.equal(spo2.category![0].coding![0].code, 'vital-signs');
  const weight = mapFitbit(fixture('weight-aria-lb.json'), opts({ weightUnit: 'lb' }));
  assert.deepEqual(
    weight.observations.map((o) => o.valueQuantity!.value),
    [68.13, 67.948],
  );
  assert.deepEqual(
    weight.observations.map((o) => o.device!.display),
    ['Fitbit Aria', 'Fitbit'],
  );
  assert.deepEqual(weight.devices.map((d) => d.identifier![0].value).sort(), ['fitbit:fitbit::fitbit', 'fitbit:fitbit:aria:fitbit-aria']);
});

test('bad input: a MappingError naming the file and the position, nothing returned', () => {
  assert.throws(
    () => mapFitbit(fixture('bad-intraday.json'), opts({ fileName: 'bad-intraday.json' })),
    (e: unknown) => {
      assert.ok(e instanceof MappingError);
      assert.equal(e.fileName, 'bad-intraday.json');
      assert.equal(e.position, 'activities-heart-intraday.dataset[1].value');
      assert.equal(e.message, 'bad-intraday.json activities-heart-intraday.dataset[1].value: heart rate "seventy" is not a number');
      return true;
    },
  );
});

test('best effort: every skipped record and why, the rest mapped', () => {
  const out = mapFitbit(fixture('bad-intraday.json'), opts({ fileName: 'bad-intraday.json', bestEffort: true }));
  assert.deepEqual(out.skipped, [
    { position: 'bad-intraday.json activities-heart-intraday.dataset[1].value', reason: 'heart rate "seventy" is not a number' },
    { position: 'bad-intraday.json activities-heart-intraday.dataset[2].time', reason: 'time "8 o\'clock" is not HH:mm:ss' },
  ]);
  assert.deepEqual(
    out.observations.map((o) => o.identifier![0].value),
    ['fitbit:resting-heart:2026-11-20', 'fitbit:heart:2026-11-20T08:00:00', 'fitbit:heart:2026-11-20T08:03:00'],
  );
});

test('a response of no supported kind is refused, naming its keys', () => {
  assert.throws(
    () => mapFitbit({ badges: [], friends: [] }, opts({ fileName: 'a.json' })),
    /a\.json: not a supported Fitbit response \(keys: badges, friends\)/,
  );
  assert.throws(() => mapFitbit('hello', opts()), /not a Fitbit Web API response/);
});

test('an empty sleep list maps to nothing, not even a Device', () => {
  assert.deepEqual(mapFitbit(fixture('sleep-date-empty-sleep-list.json'), opts()), { observations: [], devices: [], skipped: [] });
});

test('DST: intraday heart rate through the repeated hour keeps order and distinct instants; a point in the gap is skipped', () => {
  const day = (date: string, times: string[]) => ({
    'activities-heart': [{ dateTime: date, value: { customHeartRateZones: [], heartRateZones: [], restingHeartRate: 60 } }],
    'activities-heart-intraday': { dataset: times.map((time, i) => ({ time, value: 70 + i })), datasetInterval: 1, datasetType: 'minute' },
  });
  const autumn = mapFitbit(day('2026-10-25', ['02:58:00', '02:59:00', '02:00:00', '02:01:00', '03:00:00']), opts({ fileName: 'hr.json' }));
  const points = autumn.observations.filter((o) => o.effectiveDateTime);
  assert.deepEqual(
    points.map((o) => o.effectiveDateTime),
    [
      '2026-10-25T02:58:00+02:00',
      '2026-10-25T02:59:00+02:00',
      '2026-10-25T02:00:00+01:00',
      '2026-10-25T02:01:00+01:00',
      '2026-10-25T03:00:00+01:00',
    ],
  );
  const instants = points.map((o) => Date.parse(o.effectiveDateTime!));
  assert.deepEqual(
    instants,
    [...instants].sort((a, b) => a - b),
  );
  assert.equal(new Set(points.map((o) => o.identifier![0].value)).size, 5, 'the second pass has identifiers of its own');
  assert.deepEqual(autumn.skipped, []);

  const spring = mapFitbit(
    day('2026-03-08', ['01:59:00', '02:30:00', '03:00:00']),
    opts({ timeZone: 'America/New_York', fileName: 'hr.json' }),
  );
  assert.deepEqual(
    spring.observations.filter((o) => o.effectiveDateTime).map((o) => o.effectiveDateTime),
    ['2026-03-08T01:59:00-05:00', '2026-03-08T03:00:00-04:00'],
  );
  assert.deepEqual(spring.skipped, [
    {
      position: 'hr.json activities-heart-intraday.dataset[1].time',
      reason: 'local time 2026-03-08T02:30:00 does not exist in America/New_York: clocks moved forward',
    },
  ]);
});
