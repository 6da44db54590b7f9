// The outbox's index of active Subscriptions: one group per distinct criteria, a written resource checked only
// against the criteria its token and reference values could meet, matched in memory with the search engine's
// meaning (chains read their targets first), and what the in-memory matcher cannot answer left to the search.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { createResourceIndexer } from '../indexing/resource-indexer.js';
import { memoryContext, TEST_BASE } from '../testing/memory-context.js';
import { buildCriteriaIndex, chainState, storedForm, type CriteriaGroup } from './criteria-index.js';

const { defs } = memoryContext();
const ctx = { defs, indexer: createResourceIndexer(defs, TEST_BASE) };
const PAIN = 'code=http://loinc.org|72514-3&value-quantity=gt8';
const sub = (id: string, criteria: string) => ({ id, type: 'Observation', criteria, topic: null, grant: { unrestricted: true as const } });
const painScore = (patient: string, value: number): Resource =>
  ({
    resourceType: 'Observation',
    id: `o-${patient}-${value}`,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
    subject: { reference: `Patient/${patient}` },
    valueQuantity: { value, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
  }) as Resource;

const index = buildCriteriaIndex(
  [
    ...Array.from({ length: 500 }, (_, i) => sub(`p${i}`, `${PAIN}&patient=Patient/p${i}`)),
    sub('all-1', PAIN),
    sub('all-2', PAIN),
    sub('bare-id', `${PAIN}&subject=p7`),
    sub('gp', `${PAIN}&patient:Patient.general-practitioner=Practitioner/gp1`),
    sub('team', `${PAIN}&patient:Patient._has:CareTeam:patient:participant=Practitioner/n1`),
    sub('heart', 'code=http://loinc.org|40443-4'),
  ],
  ctx.defs,
  TEST_BASE,
);
const ids = (groups: CriteriaGroup[]) => groups.flatMap((g) => g.subscriptions.map((s) => s.id)).sort();
const candidatesOf = (r: Resource) => index.candidates('Observation', ctx.indexer.index(r));
const matched = (r: Resource, targets: Resource[] = []) => {
  index.context.state = chainState(
    targets.map((t) => ({ resource: t, rows: ctx.indexer.index(t), versionId: '1', lastUpdated: '2026-12-01T00:00:00Z' })),
  );
  const self = storedForm('Observation', r.id!, '1', '2026-12-01T00:00:00Z', ctx.indexer.index(r));
  return ids(candidatesOf(r).filter((g) => g.match.kind === 'memory' && g.match.matches(self)));
};

test("a written pain score is checked against its own patient's criteria and the unfiltered ones only, not the 500 others", () => {
  const groups = candidatesOf(painScore('p7', 9));
  assert.deepEqual(ids(groups), ['all-1', 'all-2', 'bare-id', 'gp', 'p7', 'team']);
  assert.equal(groups.filter((g) => g.criteria === PAIN).length, 1, 'the same criteria is one group');
  // Another code: only the criteria keyed by this patient remain candidates (none of them matches).
  const other = { ...painScore('p7', 9), code: { coding: [{ system: 'http://loinc.org', code: '1-8' }] } } as Resource;
  assert.deepEqual(ids(candidatesOf(other)), ['bare-id', 'p7']);
  assert.deepEqual(matched(other), []);
});

test('matched in memory as the search would: threshold, bare id, and a chain through the patient read first', () => {
  assert.deepEqual(matched(painScore('p7', 9)), ['all-1', 'all-2', 'bare-id', 'p7']);
  assert.deepEqual(matched(painScore('p7', 8)), [], 'gt8 leaves 8 out');
  const patient = { resourceType: 'Patient', id: 'p7', generalPractitioner: [{ reference: 'Practitioner/gp1' }] } as Resource;
  assert.deepEqual(matched(painScore('p7', 10), [patient]), ['all-1', 'all-2', 'bare-id', 'gp', 'p7']);
  assert.deepEqual(matched(painScore('p7', 10), [{ ...patient, generalPractitioner: [{ reference: 'Practitioner/gp2' }] } as Resource]), [
    'all-1',
    'all-2',
    'bare-id',
    'p7',
  ]);
});

test('_has (and value sets, full text) are left to the search in the transaction', () => {
  const team = candidatesOf(painScore('p7', 9)).find((g) => g.subscriptions[0].id === 'team')!;
  assert.equal(team.match.kind, 'search');
});
