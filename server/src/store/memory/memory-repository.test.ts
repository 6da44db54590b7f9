// The in-memory repository's own contract: a transaction is all or nothing and sees its own writes, writes need a
// transaction and the current version (optimistic locking), transactions queue, and what it cannot search is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { OutcomeError } from '../../core/outcomes.js';
import { parseSearch } from '../../search/parse-search.js';
import { memoryContext } from '../../testing/memory-context.js';

const ctx = memoryContext();
const repo = ctx.repo;
const patient = (id: string): Resource => ({ resourceType: 'Patient', id, name: [{ family: 'Doe' }] }) as Resource;
const search = (type: string, query: string) => repo.search(parseSearch(type, new URLSearchParams(query), ctx.defs));

test('a transaction that throws leaves nothing behind; inside, it reads its own writes', async () => {
  await assert.rejects(
    repo.transaction(async (tx) => {
      await tx.write(patient('r1'), undefined, 'PUT');
      assert.equal((await tx.read('Patient', 'r1'))?.versionId, '1');
      assert.equal((await search('Patient', 'family=doe')).items.length, 0, 'uncommitted writes are not seen outside');
      throw new Error('abort');
    }),
    /abort/,
  );
  assert.equal(await repo.read('Patient', 'r1'), undefined);
  assert.equal((await repo.history({ count: 10 })).items.length, 0);
});

test('writes need a transaction and the current version; a stale one is a conflict', async () => {
  await assert.rejects(repo.write(patient('r2'), undefined, 'PUT'), /inside repository.transaction/);
  const v1 = await repo.transaction((tx) => tx.write(patient('r2'), undefined, 'PUT'));
  await repo.transaction(async (tx) => tx.write(patient('r2'), await tx.readForUpdate('Patient', 'r2'), 'PUT'));
  await assert.rejects(
    repo.transaction((tx) => tx.write(patient('r2'), v1, 'PUT')),
    (err: unknown) => err instanceof OutcomeError && err.status === 409,
  );
  await assert.rejects(
    repo.transaction((tx) => tx.write(patient('r2'), undefined, 'POST')),
    (err: unknown) => err instanceof OutcomeError && err.status === 409,
  );
  assert.equal((await repo.read('Patient', 'r2'))?.versionId, '2');
});

test('transactions run one after another; one begun on the root inside another is refused, not left waiting', async () => {
  const order: string[] = [];
  await Promise.all(
    ['a', 'b', 'c'].map((n) =>
      repo.transaction(async (tx) => {
        order.push(`${n}:start`);
        await new Promise((r) => setTimeout(r, 2));
        await tx.write(patient(`q${n}`), undefined, 'PUT');
        order.push(`${n}:end`);
      }),
    ),
  );
  assert.deepEqual(order, ['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  await assert.rejects(
    repo.transaction(() => repo.transaction(() => Promise.resolve(1))),
    /would wait for itself/,
  );
});

test('withLock serialises its holders by key', async () => {
  const order: string[] = [];
  const hold = (n: string) =>
    repo.withLock('k', async () => {
      order.push(`${n}+`);
      await new Promise((r) => setTimeout(r, 2));
      order.push(`${n}-`);
    });
  await Promise.all([hold('x'), hold('y')]);
  assert.deepEqual(order, ['x+', 'x-', 'y+', 'y-']);
});

test('storedIdentifiers finds the identifier values already on resources referring to the target', async () => {
  const obs = (id: string, value: string, patientId: string) =>
    ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { text: 'x' },
      identifier: [{ system: 'urn:i', value }],
      subject: { reference: `Patient/${patientId}` },
    }) as Resource;
  await repo.transaction(async (tx) => {
    await tx.write(obs('i1', 'v1', 'p'), undefined, 'PUT');
    await tx.write(obs('i2', 'v2', 'other'), undefined, 'PUT');
  });
  assert.deepEqual(
    [...(await repo.storedIdentifiers('Observation', 'subject', { type: 'Patient', id: 'p' }, 'urn:i', ['v1', 'v2', 'v3']))],
    ['v1'],
  );
});

test('searches it cannot answer are refused with an outcome; $everything too', async () => {
  for (const query of ['combo-code-value-quantity=http://loinc.org|8867-4$70']) {
    await assert.rejects(
      search('Observation', query),
      (err: unknown) => err instanceof OutcomeError && err.status === 400 && /in-memory repository/.test(err.message),
      query,
    );
  }
  await assert.rejects(repo.everything({ patient: 'p', members: [], count: 10 }), /in-memory repository/);
});

test('quantity and number searches mean what MySQL makes of them: canonical UCUM units, code or unit, implicit precision', async () => {
  const q = (id: string, value: number, unit: string, system?: string): Resource =>
    ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { coding: [{ system: 'urn:q', code: 'w' }] },
      valueQuantity: { value, unit, ...(system ? { system, code: unit } : {}) },
    }) as Resource;
  await repo.transaction(async (tx) => {
    for (const o of [q('q1', 80000, 'g', 'http://unitsofmeasure.org'), q('q2', 60, 'kg', 'http://unitsofmeasure.org'), q('q3', 9, 'score')])
      await tx.write(o, undefined, 'PUT');
  });
  const ids = async (query: string) => (await search('Observation', `code=urn:q|w&${query}`)).items.map((r) => r.id).sort();
  assert.deepEqual(await ids('value-quantity=gt70|http://unitsofmeasure.org|kg'), ['q1']);
  assert.deepEqual(await ids('value-quantity=le60000|http://unitsofmeasure.org|g'), ['q2']);
  assert.deepEqual(await ids('value-quantity=gt8'), ['q1', 'q2', 'q3']);
  assert.deepEqual(await ids('value-quantity=gt8||score'), ['q3'], 'a code without a system matches the human unit');
  assert.deepEqual(await ids('value-quantity=9.4'), [], '9.4 is [9.35, 9.45): 9 is outside');
  assert.deepEqual(await ids('value-quantity=9'), ['q3']);
  await assert.rejects(ids('value-quantity=gtx'), (err: unknown) => err instanceof OutcomeError && err.status === 400);
});

test('lastn keeps the latest `max` per code, newest first, each resource once', async () => {
  const obs = (id: string, code: string, date: string) =>
    ({
      resourceType: 'Observation',
      id,
      status: 'final',
      code: { coding: [{ system: 'urn:c', code }] },
      effectiveDateTime: date,
    }) as Resource;
  await repo.transaction(async (tx) => {
    for (const o of [
      obs('l1', 'a', '2026-01-01'),
      obs('l2', 'a', '2026-03-01'),
      obs('l3', 'a', '2026-02-01'),
      obs('l4', 'b', '2025-01-01'),
    ])
      await tx.write(o, undefined, 'PUT');
  });
  const latest = await repo.lastn(parseSearch('Observation', new URLSearchParams('code=urn:c|a,urn:c|b'), ctx.defs), 2);
  assert.deepEqual(
    latest.map((r) => r.id),
    ['l2', 'l3', 'l4'],
  );
});
