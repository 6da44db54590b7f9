// The outbox: in the transaction of every write, before it commits, (1) a written Subscription's delivery row is
// brought in line with it, and (2) each written resource is matched against the active subscriptions on its type
// (once per distinct criteria, only those its token and reference values could meet: criteria-index.ts) and an
// event is recorded for each match whose grant may read it, numbered per subscription, with the Patient it is about. A Subscription
// on a computed topic (trends/) matches when its query does and the topic's condition holds. The events commit or roll back with the
// write: a crash after the commit loses no notification, and a rolled-back write sends none.
import type { Resource, Subscription } from 'fhir/r4.js';
import type { ResultSetHeader } from 'mysql2/promise';
import { patientIdOf } from '../core/ids.js';
import { OutcomeError } from '../core/outcomes.js';
import type { CommitHook } from '../store/mysql/mysql-repository.js';
import type { ResourceVersion } from '../store/repository.js';
import type { IndexRows } from '../indexing/index-rows.js';
import type { FhirRepository } from '../store/repository.js';
import type { GrantCheck } from './grant.js';
import type { CriteriaMatcher } from './matcher.js';
import type { TrendCondition } from './trends/trend-conditions.js';
import { raiseGeneration, type ActiveSubscriptions } from './active-subscriptions.js';
import { chainState, storedForm, type CriteriaGroup } from './criteria-index.js';
import { insertEvent, nextEventNumber, switchOff, syncResource, type Run } from './subscription-table.js';

const STATUSES = new Set(['requested', 'active', 'error', 'off']);
/** Resources a written one refers to that chained criteria may read (a resource has few references per parameter). */
const MAX_CHAIN_TARGETS = 20;

export interface OutboxDeps {
  matches: CriteriaMatcher;
  grantAllows: GrantCheck;
  criteriaOf: (sub: Subscription) => { type: string; query: string; topic?: string };
  /** The computed topics' conditions, by topic canonical URL. */
  conditions: ReadonlyMap<string, TrendCondition>;
  /** This node's compiled copy of the active Subscriptions (active-subscriptions.ts). */
  active: ActiveSubscriptions;
  /** The written resource's search index rows (every parameter's, as a search reads them). */
  index: (resource: Resource) => IndexRows;
  wake: () => void;
  /** Our public FHIR base URL: an absolute reference under it is local, any other absolute one foreign. */
  fhirBase: string;
}

export function outboxHook({ matches, grantAllows, criteriaOf, conditions, active, index, wake, fhirBase }: OutboxDeps): CommitHook {
  // Written through the API, a Subscription was checked already; loaded otherwise, one that does not parse stays off.
  const criteriaOrNone = (sub: Subscription) => {
    try {
      return criteriaOf(sub);
    } catch {
      return undefined;
    }
  };
  return async (scope) => {
    const { tx, written } = scope;
    const run: Run = (q) => scope.run(q);
    let recorded = false;
    const subscriptions = written.filter((w) => w.type === 'Subscription');
    // Every node's copy of the active Subscriptions is rebuilt once this commits.
    if (subscriptions.length > 0) await run(raiseGeneration());
    for (const v of subscriptions) {
      const sub = v.resource as Subscription | undefined;
      if (v.deleted || !sub) {
        await run(switchOff(v.id));
        continue;
      }
      const criteria = criteriaOrNone(sub);
      const status = criteria && STATUSES.has(sub.status) ? sub.status : 'off';
      await run(syncResource(v.id, criteria?.type ?? '', criteria?.query ?? '', criteria?.topic ?? null, status));
      recorded ||= status === 'requested';
    }
    const candidates = latestOf(written.filter((w) => !w.deleted && w.resource && w.type !== 'Subscription'));
    if (candidates.length === 0) return recorded ? wake : undefined;
    const subs = await active.current(run);
    if (subs.size === 0) return recorded ? wake : undefined;
    const now = new Date();
    // A condition is evaluated once per written resource, however many Subscriptions follow its topic.
    const held = new Map<string, Promise<boolean>>();
    for (const v of candidates) {
      const resource = v.resource as Resource;
      const rows = index(resource);
      const groups = subs.candidates(v.type, rows);
      if (groups.length === 0) continue;
      const targets = await chainTargets(tx, rows, groups, index);
      // Synchronous from here to the last memory match: the shared context holds this write's chain targets.
      subs.context.state = chainState(targets);
      const self = storedForm(v.type, v.id, v.versionId, v.lastUpdated, rows);
      const inMemory = groups.filter((g) => g.match.kind === 'memory' && g.match.matches(self));
      const bySearch: CriteriaGroup[] = [];
      for (const g of groups.filter((g) => g.match.kind === 'search')) {
        if (await matchesOrWarn(() => matches(tx, v.type, g.criteria, v.id), g.criteria)) bySearch.push(g);
      }
      for (const group of [...inMemory, ...bySearch]) {
        for (const sub of group.subscriptions) {
          if (!grantAllows(sub.grant, resource)) continue;
          const condition = sub.topic ? conditions.get(sub.topic) : undefined;
          if (condition) {
            const key = `${sub.topic} ${v.type}/${v.id}`;
            if (!held.has(key)) held.set(key, condition(tx, resource));
            if (!(await held.get(key))) continue;
          }
          const { insertId } = await run<ResultSetHeader>(nextEventNumber(sub.id));
          await run(insertEvent(sub.id, Number(insertId), v.type, v.id, Number(v.versionId), patientOf(resource, fhirBase), now));
          recorded = true;
        }
      }
    }
    return recorded ? wake : undefined;
  };
}

/** The current resources the written one refers to through the reference parameters of the candidates' chains. */
async function chainTargets(tx: FhirRepository, rows: IndexRows, groups: readonly CriteriaGroup[], index: (r: Resource) => IndexRows) {
  const params = new Set(groups.flatMap((g) => (g.match.kind === 'memory' ? g.match.chains : [])));
  if (params.size === 0) return [];
  const refs = new Map<string, { type: string; id: string }>();
  for (const r of rows.reference) {
    if (params.has(r.param) && r.targetType !== null && r.targetId !== null)
      refs.set(`${r.targetType}/${r.targetId}`, { type: r.targetType, id: r.targetId });
  }
  const targets = [];
  for (const { type, id } of [...refs.values()].slice(0, MAX_CHAIN_TARGETS)) {
    const current = await tx.read(type, id);
    if (!current || current.deleted || !current.resource) continue;
    targets.push({
      resource: current.resource,
      rows: index(current.resource),
      versionId: current.versionId,
      lastUpdated: current.lastUpdated,
    });
  }
  return targets;
}

/**
 * Criteria that no longer parse (a SearchParameter since removed) match nothing: the write that is being
 * committed is not the subscriber's fault. Database errors still fail the transaction (it retries on deadlock).
 */
async function matchesOrWarn(match: () => Promise<boolean>, criteria: string): Promise<boolean> {
  try {
    return await match();
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    console.warn(`Subscriptions with criteria '${criteria}': the criteria no longer apply (${err.message}); nothing recorded`);
    return false;
  }
}

/**
 * `Patient/<id>` of our Patient a resource is about (its subject or patient), if it names one: a relative
 * reference or one under our base URL with a valid id. A Patient on another server is none of ours.
 */
function patientOf(resource: Resource, fhirBase: string): string | null {
  const r = resource as { subject?: { reference?: string }; patient?: { reference?: string } };
  if (resource.resourceType === 'Patient') return `Patient/${resource.id}`;
  const ref = r.subject?.reference ?? r.patient?.reference;
  const id = patientIdOf(ref?.startsWith(`${fhirBase}/`) ? ref.slice(fhirBase.length + 1) : ref);
  return id === undefined ? null : `Patient/${id}`;
}

/** A resource written twice in one transaction (a bundle) is one event, at its last version. */
function latestOf(versions: ResourceVersion[]): ResourceVersion[] {
  const last = new Map<string, ResourceVersion>();
  for (const v of versions) last.set(`${v.type}/${v.id}`, v);
  return [...last.values()];
}
