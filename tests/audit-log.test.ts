// The audit log against a real database: a full batch is written without waiting for the timer, nothing
// is written before a batch is due, and close() (normal shutdown) stores everything still queued.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RowDataPacket } from 'mysql2/promise';
import { AuditLog } from '../server/src/audit/audit-log.js';
import { restAuditEvent } from '../server/src/audit/audit-event.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const event = (n: number) =>
  restAuditEvent({ who: { clientId: `client-${n}` }, interactions: ['read'], status: 200, resources: [`Observation/o${n}`], patients: [] });

describe('AuditLog', () => {
  let server: TestServer;
  const stored = async () =>
    (await server.sql<RowDataPacket[]>("SELECT COUNT(*) AS n FROM resource WHERE res_type = 'AuditEvent'"))[0].n as number;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('writes a full batch without waiting for the timer', async () => {
    // A timer far longer than the test: only the batch size can trigger this write.
    const log = new AuditLog(server.built.ctx.repo, { maxBatch: 3, maxDelayMs: 3_600_000 });
    for (let i = 0; i < 3; i++) log.record(event(i));
    await log.flush();
    assert.equal(await stored(), 3);
    await log.close();
  });

  it('stores what is still queued on close, and the events are searchable', async () => {
    const log = new AuditLog(server.built.ctx.repo, { maxBatch: 1000, maxDelayMs: 3_600_000 });
    const before = await stored();
    for (let i = 10; i < 15; i++) log.record(event(i));
    assert.equal(await stored(), before, 'nothing is written before the batch is due');
    await log.close();
    assert.equal(await stored(), before + 5);
    const res = await server.http.get('/fhir/AuditEvent?entity=Observation/o12');
    assert.equal(res.status, 200);
    assert.equal(res.body.entry.length, 1);
    assert.equal(res.body.entry[0].resource.agent[0].who.identifier.value, 'client-12');
  });
});

describe('AuditLog when the database is gone', () => {
  it('keeps a refused batch queued and says so, at shutdown too, rather than dropping it silently', async () => {
    const server = await startTestServer();
    const messages: string[] = [];
    const log = new AuditLog(server.built.ctx.repo, { maxBatch: 1000, maxDelayMs: 3_600_000 }, { error: (m) => messages.push(m) });
    await server.close();
    log.record(event(1));
    log.record(event(2));
    await log.flush();
    assert.deepEqual(messages, ['audit: storing 2 AuditEvents failed; they stay queued']);
    await log.close();
    assert.equal(messages.at(-1), 'audit: 2 AuditEvents could not be stored before shutdown');
  });
});
