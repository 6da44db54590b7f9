// Locks held across transactions (a Fitbit sync, a wearable import) never starve the connection pool: more
// concurrent syncs and imports than pool connections all complete, and other requests keep answering meanwhile.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { FakeFitbit, heartIntraday } from './support/fake-fitbit.js';
import { FITBIT_ZONE, connectFitbit } from './support/fitbit-connect.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const POOL = 3;
const fake = new FakeFitbit();
let server: TestServer;

const newPatient = async () =>
  (await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id as string;
const daysAgo = (n: number) => DateTime.now().setZone(FITBIT_ZONE).minus({ days: n }).toISODate()!;

before(async () => {
  await fake.start();
  server = await startTestServer({
    DB_POOL_SIZE: String(POOL),
    ...fake.serverEnv(),
    FITBIT_INITIAL_DAYS: '3',
  });
});
after(async () => {
  await server.close();
  await fake.close();
});

test(
  `${POOL * 2} Fitbit syncs and ${POOL + 1} imports at once on a pool of ${POOL}: all complete, and reads answer meanwhile`,
  { timeout: 120_000 },
  async () => {
    const syncing = await Promise.all(Array.from({ length: POOL * 2 }, newPatient));
    for (const id of syncing) await connectFitbit(server, id);
    const importing = await Promise.all(Array.from({ length: POOL + 1 }, newPatient));
    const bystander = await newPatient();
    // Every Fitbit answer takes a while, so that every sync is in flight (holding its lock) at the same time.
    fake.dataDelayMs = 300;

    let pending = syncing.length + importing.length;
    const settled = <T>(p: Promise<T>) => p.finally(() => pending--);
    const syncs = syncing.map((id) => settled(server.http.post(`/fhir/Patient/${id}/$sync-fitbit?until=${daysAgo(2)}`).then((r) => r)));
    const imports = importing.map((id, i) =>
      settled(
        server.http
          .post(`/fhir/Patient/${id}/$import-wearable?timeZone=${FITBIT_ZONE}`)
          .set('Content-Type', 'application/json')
          .set('Content-Disposition', `attachment; filename="heart-${i}.json"`)
          .send(
            JSON.stringify(
              heartIntraday('2026-11-20', [
                { time: '08:00:00', value: 64 + i },
                { time: '08:01:00', value: 66 },
              ]),
            ),
          )
          .then((r) => r),
      ),
    );

    // Reads of other resources answer while the syncs hold their locks.
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 5; i++) {
      const read = await server.http.get(`/fhir/Patient/${bystander}`);
      assert.equal(read.status, 200);
    }
    assert.ok(pending > 0, 'the reads were answered while syncs were still running');

    for (const res of await Promise.all(syncs)) assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const res of await Promise.all(imports)) assert.equal(res.status, 200, JSON.stringify(res.body));
    const [{ n }] = await server.sql<{ n: number }[]>('SELECT COUNT(DISTINCT patient_id) AS n FROM fitbit_sync_cursor');
    assert.equal(Number(n), syncing.length);
    fake.dataDelayMs = 0;
  },
);
