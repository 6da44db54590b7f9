// The first pass of an import refuses or skips records a write would refuse, and says which, the same whether
// its checks run in this thread or in the validation thread. A stricter copy of the heart rate and Device profiles
// makes some mapped records invalid.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Bundle, ElementDefinition, Resource, StructureDefinition } from 'fhir/r4.js';
import { readConformanceFiles } from '../../conformance/conformance-files.js';
import { OutcomeError } from '../../core/outcomes.js';
import { loadConfig } from '../../config.js';
import { r4Definitions } from '../../fhir-services.js';
import { buildWriteValidation, type WriteValidationSource } from '../../validation/write-validation.js';
import { startValidationThread, type ValidationThread } from '../validation-thread/validation-thread.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { WriteChecks } from '../../fhir/write-problems.js';
import { stageImport, type ImportInput } from './stage-import.js';

const HEART_RATE = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-heart-rate';
const DEVICE = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-wearable-device';
const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-stage-test-'));

const WATCH =
  '&lt;&lt;HKDevice: 0x283d5c4b0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:9.1&gt;';
const heartRate = (minute: number, value: number) => {
  const at = `2026-11-27 08:${String(minute).padStart(2, '0')}:00 +0100`;
  return ` <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" device="${WATCH}" unit="count/min" startDate="${at}" endDate="${at}" value="${value}"/>\n`;
};
const exportXml = (records: string, end = '</HealthData>\n') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_DE">\n <ExportDate value="2026-11-30 21:00:00 +0100"/>\n${records}${end}`;
/** Heart rates of 60..119, one a minute; those over 100 break the stricter profile. */
const records = (n: number) => Array.from({ length: n }, (_, i) => heartRate(i, 60 + i)).join('');

/** The FibroTrack profiles with the heart rate at most 100/min and (when asked) a Device needing a note. */
function strictSource(deviceNeedsNote = false): WriteValidationSource {
  const { resources } = readConformanceFiles(loadConfig({}).profilesDir);
  const tighten = (url: string, id: string, change: (e: ElementDefinition) => void) => (r: Resource) => {
    if ((r as StructureDefinition).url !== url) return r;
    const sd = structuredClone(r) as StructureDefinition;
    change(sd.snapshot!.element.find((e) => e.id === id)!);
    return sd;
  };
  let conformance = resources.map(tighten(HEART_RATE, 'Observation.value[x]:valueQuantity.value', (e) => (e.maxValueDecimal = 100)));
  if (deviceNeedsNote) conformance = conformance.map(tighten(DEVICE, 'Device.note', (e) => (e.min = 1)));
  return { conformance, requireProfiles: false, implementationGuides: [] };
}

const threads: ValidationThread[] = [];
/** A validation thread that must answer everything itself: the main thread's checks are never asked. */
async function thread(source: WriteValidationSource): Promise<WriteChecks> {
  const t = startValidationThread(
    { source, warmUp: [] },
    { problems: () => Promise.reject(new Error('checked in the main thread')), close: () => Promise.resolve() },
  );
  threads.push(t);
  assert.equal(await t.ready, true);
  return t;
}

let upload = 0;
async function stage(xml: string, source: WriteValidationSource, bestEffort: boolean, checks?: WriteChecks) {
  const path = join(dir, `export-${upload++}.xml`);
  writeFileSync(path, xml);
  const input: ImportInput = { source: 'apple-health-xml', path, fileName: 'export.xml', patientId: 'p1', bestEffort };
  const ctx = buildWriteValidation(r4Definitions(), source) as unknown as FhirContext;
  return stageImport(input, ctx, { spoolDir: dir, batchSize: 5, checks });
}

const stagedObservations = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .flatMap((line) => (JSON.parse(line) as Bundle).entry!.map((e) => e.resource!))
    .filter((r) => r.resourceType === 'Observation');

async function failure(run: Promise<unknown>): Promise<OutcomeError> {
  try {
    await run;
  } catch (err) {
    assert.ok(err instanceof OutcomeError, String(err));
    return err;
  }
  assert.fail('the import was accepted');
}

before(() => r4Definitions());
after(async () => {
  for (const t of threads) await t.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the first record a write would refuse fails the import, named, with nothing staged; in either thread', async () => {
  const source = strictSource();
  const xml = exportXml(records(60));
  for (const checks of [undefined, await thread(source)]) {
    const err = await failure(stage(xml, source, false, checks));
    assert.equal(err.status, 422);
    // 60 + 41 = 101, the first value over the limit, in the ninth batch of five.
    assert.match(err.message, /^export\.xml record [^ ]+: the mapped Observation is invalid: .*valueQuantity\.value.*101/, err.message);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('fibrotrack-staged-')),
      [],
    );
  }
});

test('an invalid record before the point where the upload breaks is the problem reported; in either thread', async () => {
  const source = strictSource();
  // The break comes two batches after the first invalid record: batches mapped ahead must not hide it.
  const xml = exportXml(records(45) + heartRate(50, 70).repeat(10), ' <Record type="HKQuantityTypeIdentifierHeartRate" value=');
  for (const checks of [undefined, await thread(source)]) {
    const err = await failure(stage(xml, source, false, checks));
    assert.match(err.message, /the mapped Observation is invalid: .*101/, err.message);
  }
  // Without an invalid record before it, the break itself is reported.
  const err = await failure(stage(exportXml(records(30), ' <Record type='), source, false, await thread(source)));
  assert.doesNotMatch(err.message, /is invalid/);
});

test('best effort skips each invalid record with its reason and stages the rest, alike in either thread', async () => {
  const source = strictSource();
  const xml = exportXml(records(60));
  const outcomes = [];
  for (const checks of [undefined, await thread(source)]) {
    const staged = await stage(xml, source, true, checks);
    const values = stagedObservations(staged.path).map((o) => o.valueQuantity!.value);
    assert.deepEqual(
      values,
      Array.from({ length: 41 }, (_, i) => 60 + i),
    );
    const skips = [...staged.summary.skipped.values()];
    assert.equal(
      skips.reduce((n, s) => n + s.count, 0),
      19,
    );
    assert.ok(
      skips.every((s) => s.reason.startsWith('invalid Observation: ')),
      JSON.stringify(skips),
    );
    outcomes.push({ skips, batches: staged.batches });
    rmSync(staged.path);
  }
  assert.deepEqual(outcomes[1], outcomes[0]);
});

test('an invalid Device fails the import, or with best effort takes its Observations with it; in either thread', async () => {
  const source = strictSource(true);
  const xml = exportXml(records(12));
  for (const checks of [undefined, await thread(source)]) {
    const err = await failure(stage(xml, source, false, checks));
    assert.match(err.message, /^export\.xml Device [^ ]+: the Device mapped from the source is invalid: .*Device\.note/, err.message);
    const staged = await stage(xml, source, true, checks);
    assert.equal(staged.batches, 0);
    const skips = [...staged.summary.skipped.values()];
    assert.equal(skips.length, 1);
    assert.match(skips[0].reason, /^Device [^ ]+ is invalid: /);
    assert.equal(skips[0].count, 12);
    rmSync(staged.path);
  }
});
