// The import's validation thread answers as the main thread's checks would; until it has loaded, or when it cannot,
// the main thread's checks answer; a batch never goes unanswered.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { readConformanceFiles } from '../../conformance/conformance-files.js';
import { loadConfig } from '../../config.js';
import { r4Definitions } from '../../fhir-services.js';
import { inlineWriteChecks, type WriteChecks } from '../../fhir/write-problems.js';
import { buildWriteValidation, type WriteValidationSource } from '../../validation/write-validation.js';
import { startValidationThread, type ThreadData, type ValidationThread } from './validation-thread.js';

const files = readConformanceFiles(loadConfig({}).profilesDir);
const source: WriteValidationSource = { conformance: files.resources, requireProfiles: false, implementationGuides: [] };
const mainThread = inlineWriteChecks(buildWriteValidation(r4Definitions(), source));

/** The profiles' examples, each also broken in a way a write refuses. */
const batch: Resource[] = files.examples.flatMap((r) => [
  r,
  { ...r, id: 'not valid!' },
  { ...r, meta: { profile: ['https://fhir.fibrotrack.org/StructureDefinition/none'] } },
]);

/** The main thread's checks, counting the batches they are asked. */
function spy(): WriteChecks & { asked: number } {
  const s = { asked: 0, problems: (r: readonly Resource[]) => (s.asked++, mainThread.problems(r)), close: () => Promise.resolve() };
  return s;
}

const started: ValidationThread[] = [];
function start(data: ThreadData, inline: WriteChecks, log?: (msg: string) => void): ValidationThread {
  const t = startValidationThread(data, inline, log);
  started.push(t);
  return t;
}
after(async () => {
  for (const t of started) await t.close();
});

test('once loaded the thread answers every batch itself, as the main thread would', async () => {
  const expected = await mainThread.problems(batch);
  assert.ok(expected.filter((p) => p === undefined).length >= 10, 'the examples are valid');
  assert.ok(expected.filter((p) => p !== undefined).length >= 20, 'the broken copies are not');
  const inline = spy();
  const thread = start({ source, warmUp: files.examples }, inline);
  // Asked before it has loaded: the main thread answers.
  assert.deepEqual(await thread.problems(batch), expected);
  assert.equal(inline.asked, 1);
  assert.equal(await thread.ready, true);
  const answers = await Promise.all([thread.problems(batch), thread.problems(batch.slice(3)), thread.problems([])]);
  assert.deepEqual(answers, [expected, expected.slice(3), []]);
  assert.equal(inline.asked, 1);
});

test('a thread that cannot load says why, and the main thread answers instead', async () => {
  const logged: string[] = [];
  const inline = spy();
  const thread = start({ source: undefined, warmUp: [] } as unknown as ThreadData, inline, (m) => logged.push(m));
  assert.equal(await thread.ready, false);
  assert.equal(logged.length, 1);
  assert.match(logged[0], /^The import validation thread stopped \(.+\); imports now validate in the main thread$/);
  assert.deepEqual(await thread.problems(batch), await mainThread.problems(batch));
  assert.equal(inline.asked, 1);
});

test('an error inside the thread fails that batch with its message; the thread answers the next', async () => {
  const HR = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-heart-rate';
  // A heart rate profile whose snapshot the validator cannot compile.
  const broken = {
    ...source,
    conformance: source.conformance.map((r) =>
      (r as { url?: string }).url === HR
        ? ({
            ...r,
            snapshot: {
              element: [
                { id: 'Observation', path: 'Observation' },
                { id: 'x', path: 5 },
              ],
            },
          } as Resource)
        : r,
    ),
  };
  const thread = start({ source: broken, warmUp: [] }, spy());
  assert.equal(await thread.ready, true);
  const heartRate = files.examples.find((r) => r.meta?.profile?.[0] === HR)!;
  await assert.rejects(thread.problems([heartRate]), /^Error: validation thread: TypeError: /);
  const device = files.examples.filter((r) => r.resourceType === 'Device');
  assert.deepEqual(
    await thread.problems(device),
    device.map(() => undefined),
  );
});

test('closing the thread with a batch pending still answers the batch, and logs nothing', async () => {
  const logged: string[] = [];
  const thread = start({ source, warmUp: [] }, spy(), (m) => logged.push(m));
  assert.equal(await thread.ready, true);
  const pending = thread.problems(batch);
  await thread.close();
  assert.deepEqual(await pending, await mainThread.problems(batch));
  assert.deepEqual(logged, []);
});
