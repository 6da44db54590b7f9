// Issue 15 item 12: a large Fitbit JSON upload is parsed and mapped off the event loop, so that other requests
// (GET /fhir/metadata) are answered while it is imported; the import stores what it always stored. Shown by what
// happened, not by how long it took: every batch was mapped by a worker thread (the mapping thread announces each on
// a diagnostics channel with its threadId), and the server answered /metadata requests between the first and the
// last batch of the import.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { Worker, threadId } from 'node:worker_threads';
import type { Parameters } from 'fhir/r4.js';
import { JSON_MAPPING_CHANNEL, type JsonMappingEvent } from '../server/src/wearables/json-mapping-thread/json-mapping-thread.js';
import { answerCount, assertCountsAddUp } from './support/import-answer.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let listening: Server;
let base: string;

before(async () => {
  // The store pass, after the mapping, runs each transaction on the main thread: 1000 Observations held it for about
  // 0.6 s on a 2-core machine, 250 for about 0.15 s. Smaller batches keep this test about the parse and the mapping.
  server = await startTestServer({ WEARABLE_BATCH_SIZE: '250' });
  listening = createServer(server.built.app);
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/fhir`;
});
after(async () => {
  listening.closeAllConnections();
  await new Promise((resolve) => listening.close(resolve));
  await server.close();
});

const POINTS = 1_200_000;
const DAY_SECONDS = 86_400;
/** One second a minute has a reading; the rest, and every point after the first day's worth, is a zero (a device gap). */
const READINGS = DAY_SECONDS / 60;

const clock = (s: number) => [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60].map((n) => String(n).padStart(2, '0')).join(':');

/**
 * A Fitbit heart rate day with a per-second intraday series of POINTS points (about 36 MB), built a slice at a time
 * into buffers: the test's own garbage would otherwise be collected on the server's thread during the import.
 */
function bigHeartDay(): Buffer {
  const day = { dateTime: '2026-11-22', value: { customHeartRateZones: [], heartRateZones: [], restingHeartRate: 61 } };
  const parts = [Buffer.from(`{"activities-heart":[${JSON.stringify(day)}],"activities-heart-intraday":{"dataset":[`)];
  for (let from = 0; from < POINTS; from += 10_000) {
    const points: string[] = [];
    for (let i = from; i < Math.min(from + 10_000, POINTS); i++) {
      const value = i < DAY_SECONDS && i % 60 === 0 ? 60 + (i % 41) : 0;
      points.push(`{"time":"${clock(i % DAY_SECONDS)}","value":${value}}`);
    }
    parts.push(Buffer.from((from ? ',' : '') + points.join(',')));
  }
  parts.push(Buffer.from('],"datasetInterval":1,"datasetType":"second"}}'));
  return Buffer.concat(parts);
}

/**
 * GETs `url` over and over, one request after the other, until `until` settles, from a thread of its own (a client on
 * the server's event loop could not tell a blocked loop from a slow one). Calls `answered` on this thread after each
 * answer, in order: the server had answered that request by then. A fresh connection each time, as separate clients.
 */
async function pollWhile(url: string, until: Promise<unknown>, answered: (status: number) => void): Promise<void> {
  const poller = new Worker(POLLER, { eval: true, workerData: url });
  const finished = new Promise<void>((resolve, reject) => {
    poller.on('message', (m: { status?: number; done?: true }) => (m.done ? resolve() : answered(m.status!)));
    poller.once('error', reject);
  });
  await until.catch(() => undefined);
  poller.postMessage('stop');
  await finished;
}

const POLLER = `
const { get } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
let stop = false;
parentPort.once('message', () => (stop = true));
const once = () => new Promise((resolve, reject) => {
  get(workerData, { agent: false }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  }).on('error', reject);
});
(async () => {
  while (!stop) {
    parentPort.postMessage({ status: await once() });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  parentPort.postMessage({ done: true });
})();
`;

test('a large Fitbit JSON upload is parsed and mapped in a worker thread while the server goes on answering /metadata', async () => {
  const patient = await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' });
  const body = bigHeartDay();
  assert.ok(body.length > 30 * 1024 * 1024, `the upload is ${body.length} bytes`);

  // One timeline on this thread, which is the server's: batches as the import takes them, /metadata answers as the
  // poller reports them (each answered by the server before the report arrived).
  const timeline: ({ batch: JsonMappingEvent } | { metadata: number })[] = [];
  const onBatch = (message: unknown) => timeline.push({ batch: message as JsonMappingEvent });
  subscribe(JSON_MAPPING_CHANNEL, onBatch);
  try {
    const imported = fetch(`${base}/Patient/${patient.body.id}/$import-wearable?timeZone=Europe/Berlin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Disposition': 'attachment; filename="heart-big.json"' },
      body: new Uint8Array(body),
    });
    await pollWhile(`${base}/metadata`, imported, (status) => timeline.push({ metadata: status }));
    const res = await imported;
    const summary = (await res.json()) as Parameters;
    assert.equal(res.status, 200, JSON.stringify(summary));
    // The same result as when the file was parsed on the main thread: the readings, the resting heart rate, the Device.
    assert.equal(answerCount(summary, 'created'), READINGS + 2);
    assert.equal(answerCount(summary, 'skipped'), POINTS - READINGS);
    assertCountsAddUp(summary, POINTS + 1);
  } finally {
    unsubscribe(JSON_MAPPING_CHANNEL, onBatch);
  }
  const [{ n }] = await server.sql<{ n: number }[]>(
    "SELECT COUNT(*) AS n FROM resource r JOIN idx_reference x ON x.resource_pk = r.pk WHERE r.res_type = 'Observation' AND x.param = 'subject' AND x.target_id = ?",
    [patient.body.id],
  );
  assert.equal(Number(n), READINGS + 1);

  // Every record was parsed and mapped by a thread other than this one (the server's main thread).
  const batches = timeline.flatMap((e) => ('batch' in e ? [e.batch] : []));
  assert.ok(batches.length > 1, `${batches.length} batches`);
  assert.equal(batches.filter((b) => b.mappedBy === threadId).length, 0, 'no batch was mapped on the main thread');
  assert.equal(
    batches.reduce((sum, b) => sum + b.observations, 0),
    READINGS + 1,
  );
  assert.equal(
    batches.reduce((sum, b) => sum + b.skipped, 0),
    POINTS - READINGS,
  );

  // The server went on answering while the import was under way: /metadata answered after its first batch and
  // before its last, every one of them 200.
  const first = timeline.findIndex((e) => 'batch' in e);
  const last = timeline.length - 1 - [...timeline].reverse().findIndex((e) => 'batch' in e);
  const during = timeline.slice(first, last).filter((e) => 'metadata' in e);
  assert.ok(during.length > 0, 'no /metadata request was answered between the first and the last batch');
  assert.deepEqual(
    timeline.flatMap((e) => ('metadata' in e && e.metadata !== 200 ? [e.metadata] : [])),
    [],
    'every /metadata answered 200',
  );
});
