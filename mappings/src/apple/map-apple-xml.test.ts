// mapAppleHealthXml and mapAppleHealthZip: batches, devices once, Correlation children once, a watch's steps
// over the phone's, stages over a generic Asleep, HKTimeZone, errors with their line, best effort, zips.
import assert from 'node:assert/strict';
import { createReadStream, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { Observation } from 'fhir/r4.js';
import { MappingError, mapAppleHealthXml, mapAppleHealthZip, type MappedBatch } from '../index.js';
import { collect } from '../../test/golden-cases.js';

const FIXTURE = new URL('../../test-fixtures/apple/ios16-stages-dst.xml', import.meta.url);
const ZIP = new URL('../../test-fixtures/apple/ios16-export.zip', import.meta.url);
const opts = { patientReference: 'Patient/p1', fileName: 'export.xml' };
const fromString = (xml: string, extra = {}) => collect(mapAppleHealthXml(Readable.from([Buffer.from(xml)]), { ...opts, ...extra }));
const head = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n <ExportDate value="2026-03-30 09:00:00 +0100"/>\n';
const WATCH =
  'device="&lt;&lt;HKDevice: 0x1&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch7,2, software:10.0&gt;"';
const record = (type: string, value: string, start: string, end = start, extra = '') =>
  ` <Record type="${type}" sourceName="S" unit="count/min" startDate="${start}" endDate="${end}" value="${value}"${extra}/>\n`;
const stage = (o: Observation) => o.valueCodeableConcept?.coding?.[0].code;

test('batches hold at most batchSize Observations, each Device comes once and no later than its first use', async () => {
  const batches: MappedBatch[] = [];
  for await (const b of mapAppleHealthXml(createReadStream(FIXTURE, { highWaterMark: 100 }), { ...opts, batchSize: 3 })) batches.push(b);
  assert.ok(batches.length >= 5);
  const known = new Set<string>();
  for (const b of batches) {
    assert.ok(b.observations.length <= 3);
    for (const d of b.devices) {
      const ref = `Device?identifier=${d.identifier![0].system}|${d.identifier![0].value}`;
      assert.ok(!known.has(ref), `${ref} twice`);
      known.add(ref);
    }
    for (const o of b.observations) assert.ok(known.has(o.device!.reference!), `${o.device!.reference} not yet given`);
  }
  assert.equal(
    batches.reduce((n, b) => n + b.observations.length, 0),
    15,
  );
});

test('the iOS 16 export (broken DTD, \\x0b in names): stages kept, generic Asleep over them dropped, older Asleep kept', async () => {
  const out = await collect(mapAppleHealthXml(createReadStream(FIXTURE), opts));
  const sleep = out.observations.filter((o) => o.code.coding![0].code === 'sleep-stage');
  assert.deepEqual(sleep.map(stage), ['in-bed', 'light', 'deep', 'rem', 'awake', 'asleep']);
  assert.equal(sleep[5].effectivePeriod!.start, '2026-03-25T23:10:00+01:00', 'the Asleep of a night without stages');
  assert.ok(out.skipped.some((s) => s.position === 'export.xml line 54' && /generic Asleep overlapping sleep stage/.test(s.reason)));
  // Across the DST change each instant keeps the offset then in force (HKTimeZone Europe/Berlin).
  assert.deepEqual(sleep[3].effectivePeriod, { start: '2026-03-29T01:59:59+01:00', end: '2026-03-29T03:30:00+02:00' });
});

test('steps the phone counted while the watch did are dropped, whichever comes first; the rest are kept', async () => {
  const phone = (s: string, e: string, v: string) =>
    ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" startDate="${s}" endDate="${e}" value="${v}"/>\n`;
  const watch = (s: string, e: string, v: string) =>
    ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="W" ${WATCH} unit="count" startDate="${s}" endDate="${e}" value="${v}"/>\n`;
  const xml =
    head +
    watch('2026-03-27 10:00:00 +0100', '2026-03-27 10:10:00 +0100', '500') +
    phone('2026-03-27 10:05:00 +0100', '2026-03-27 10:15:00 +0100', '480') +
    phone('2026-03-27 10:10:00 +0100', '2026-03-27 10:20:00 +0100', '90') +
    phone('2026-03-27 11:00:00 +0100', '2026-03-27 11:10:00 +0100', '700') +
    watch('2026-03-27 10:59:00 +0100', '2026-03-27 11:01:00 +0100', '120') +
    '</HealthData>\n';
  const out = await fromString(xml);
  const steps = out.observations.map((o) => [o.device!.display, o.valueQuantity!.value]);
  // 10:10-10:20 only touches the watch interval's end: no time shared, kept.
  assert.deepEqual(steps, [
    ['Apple Watch', 500],
    ['Apple Watch', 120],
    ['iPhone', 90],
  ]);
  assert.equal(out.skipped.filter((s) => /also counted by an Apple Watch/.test(s.reason)).length, 1);
  assert.equal(out.skipped.find((s) => /also counted/.test(s.reason))!.count, 2);
});

test('a record inside a Correlation is counted once, where it appears at top level', async () => {
  const hr = record('HKQuantityTypeIdentifierHeartRate', '70', '2026-03-27 08:00:00 +0100');
  const xml = `${head}${hr} <Correlation type="HKCorrelationTypeIdentifierX" sourceName="S" startDate="2026-03-27 08:00:00 +0100" endDate="2026-03-27 08:00:00 +0100">\n ${hr} </Correlation>\n</HealthData>\n`;
  const out = await fromString(xml);
  assert.equal(out.observations.length, 1);
  assert.equal(out.observations[0].effectiveDateTime, '2026-03-27T08:00:00+01:00');
});

test('HKTimeZone wins over the offset of the phone that exported; SpO2 fractions become percent; lb become kg', async () => {
  const out = await collect(mapAppleHealthXml(createReadStream(FIXTURE), opts));
  const get = (code: string) => out.observations.find((o) => o.code.coding![0].code === code)!;
  assert.equal(get('29463-7').effectiveDateTime, '2026-03-28T08:05:00+01:00');
  assert.deepEqual(get('29463-7').valueQuantity, { value: 68.039, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' });
  assert.equal(get('59408-5').valueQuantity!.value, 97);
  assert.equal(get('80404-7').valueQuantity!.code, 'ms');
  const workout = get('55411-3');
  assert.equal(workout.meta, undefined, 'no FibroTrack profile fits a workout');
  assert.deepEqual(
    workout.component!.map((c) => c.valueCodeableConcept?.coding?.[0].code ?? c.valueQuantity!.value),
    ['HKWorkoutActivityTypeWalking', 141.25],
  );
});

test('a bad record stops the import with the file and line; best effort lists it and maps the rest', async () => {
  const xml = `${head}${record('HKQuantityTypeIdentifierHeartRate', '70', '2026-03-27 08:00:00 +0100')}${record('HKQuantityTypeIdentifierHeartRate', 'n/a', '2026-03-27 08:01:00 +0100')}${record('HKQuantityTypeIdentifierHeartRate', '71', '2026-03-27 25:02:00 +0100')}${record('HKQuantityTypeIdentifierHeartRate', '72', '2026-03-27 08:03:00 +0100')}</HealthData>\n`;
  await assert.rejects(fromString(xml), (e: unknown) => {
    assert.ok(e instanceof MappingError);
    assert.equal(e.message, 'export.xml line 5: value "n/a" is not a number');
    assert.deepEqual([e.fileName, e.position], ['export.xml', 'line 5']);
    return true;
  });
  const out = await fromString(xml, { bestEffort: true });
  assert.deepEqual(
    out.observations.map((o) => o.valueQuantity!.value),
    [70, 72],
  );
  assert.deepEqual(out.skipped, [
    { position: 'export.xml line 5', reason: 'value "n/a" is not a number' },
    { position: 'export.xml line 6', reason: 'startDate "2026-03-27 25:02:00 +0100" is not yyyy-MM-dd HH:mm:ss ±HHMM' },
  ]);
});

test('XML that is not well-formed, or not an export, is refused even in best effort', async () => {
  await assert.rejects(
    fromString(`${head} <Record type="A"\n</HealthData>\n`, { bestEffort: true }),
    /^MappingError: export\.xml line 4: not well-formed XML: malformed attributes in <Record>$/,
  );
  await assert.rejects(
    fromString('<?xml version="1.0"?>\n<ClinicalDocument/>\n'),
    /export\.xml line 2: not an Apple Health export: the root element is <ClinicalDocument>/,
  );
});

test('a UTF-8 character split between chunks, and a byte order mark, read as they should', async () => {
  const xml = Buffer.from(
    `\ufeff${head} <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Jane’s Watch" unit="count/min" startDate="2026-03-27 08:00:00 +0100" endDate="2026-03-27 08:00:00 +0100" value="70"/>\n</HealthData>\n`,
  );
  const bytes = [...xml].map((b) => Buffer.from([b]));
  const out = await collect(mapAppleHealthXml(Readable.from(bytes), opts));
  assert.equal(out.observations[0].device!.display, 'Jane’s Watch');
});

test('held-back records beyond a megabyte wait on disk, and the temporary directory is removed afterwards', async () => {
  const before = readdirSync(tmpdir()).filter((f) => f.startsWith('fibrotrack-apple-')).length;
  const phone = (i: number) => {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    const d = `${t.slice(0, 10)} ${t.slice(11, 19)} +0000`;
    return ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="iPhone" unit="count" startDate="${d}" endDate="${d}" value="${i + 1}"/>\n`;
  };
  const xml = head + Array.from({ length: 6000 }, (_, i) => phone(i)).join('') + '</HealthData>\n';
  let sawDir = false;
  const seen: number[] = [];
  for await (const b of mapAppleHealthXml(Readable.from([Buffer.from(xml)]), { ...opts, batchSize: 500 })) {
    sawDir ||= readdirSync(tmpdir()).filter((f) => f.startsWith('fibrotrack-apple-')).length > before;
    seen.push(...b.observations.map((o) => o.valueQuantity!.value!));
  }
  assert.ok(sawDir, 'the held-back records went to a temporary file');
  assert.deepEqual(
    seen,
    Array.from({ length: 6000 }, (_, i) => i + 1),
  );
  assert.equal(readdirSync(tmpdir()).filter((f) => f.startsWith('fibrotrack-apple-')).length, before);
});

test('export.zip: export.xml is found and read as a stream (export_cda.xml is not); other zips are refused', async () => {
  const fromZip = await collect(mapAppleHealthZip(ZIP.pathname, { patientReference: 'Patient/p1' }));
  const fromXml = await collect(mapAppleHealthXml(createReadStream(FIXTURE), opts));
  assert.deepEqual(fromZip.observations, fromXml.observations);
  assert.ok(fromZip.skipped.every((s) => s.position.startsWith('ios16-export.zip/apple_health_export/export.xml line ')));
  const dir = mkdtempSync(join(tmpdir(), 'ft-zip-test-'));
  try {
    writeFileSync(join(dir, 'not.zip'), 'plain text');
    await assert.rejects(
      collect(mapAppleHealthZip(join(dir, 'not.zip'), { patientReference: 'Patient/p1' })),
      /not\.zip: not a readable zip file/,
    );
    // A zip with only export_cda.xml: the same bytes as the fixture, but the entry named export.xml renamed away.
    const zip = readFileSync(ZIP);
    writeFileSync(
      join(dir, 'cda-only.zip'),
      Buffer.from(zip.toString('latin1').replaceAll('apple_health_export/export.xml', 'apple_health_export/exp0rt.xml'), 'latin1'),
    );
    await assert.rejects(
      collect(mapAppleHealthZip(join(dir, 'cda-only.zip'), { patientReference: 'Patient/p1' })),
      /cda-only\.zip: no apple_health_export\/export\.xml inside/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
