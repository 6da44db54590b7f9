// The outbox: in the transaction of every write, before it commits, (1) a written Subscription's delivery row is
// brought in line with it, and (2) each written resource is matched against the active subscriptions on its type
// and an event is recorded for each match, numbered per subscription, with the Patient it is about. A Subscription
// on a computed topic (trends/) matches when its query does and the topic's condition holds. The events commit or roll back with the
// write: a crash after the commit loses no notification, and a rolled-back write sends none.
import type { Resource, Subscription } from 'fhir/r4.js';
import type { ResultSetHeader } from 'mysql2/promise';
import { patientIdOf } from '../core/ids.js';
import { OutcomeError } from '../core/outcomes.js';
import type { CommitHook } from '../store/mysql/mysql-repository.js';
import type { ResourceVersion } from '../store/repository.js';
import type { GrantCheck } from './grant.js';
import { parseGrant } from './grant.js';
import type { CriteriaMatcher } from './matcher.js';
import type { TrendCondition } from './trends/trend-conditions.js';
import { activeFor, insertEvent, nextEventNumber, switchOff, syncResource, type SubscriptionRow } from './subscription-table.js';

const STATUSES = new Set(['requested', 'active', 'error', 'off']);

export interface OutboxDeps {
  matches: CriteriaMatcher;
  grantAllows: GrantCheck;
  criteriaOf: (sub: Subscription) => { type: string; query: string; topic?: string };
  /** The computed topics' conditions, by topic canonical URL. */
  conditions: ReadonlyMap<string, TrendCondition>;
  wake: () => void;
  /** Our public FHIR base URL: an absolute reference under it is local, any other absolute one foreign. */
  fhirBase: string;
}

export function outboxHook({ matches, grantAllows, criteriaOf, conditions, wake, fhirBase }: OutboxDeps): CommitHook {
  // Written through the API, a Subscription was checked already; loaded otherwise, one that does not parse stays off.
  const criteriaOrNone = (sub: Subscription) => {
    try {
      return criteriaOf(sub);
    } catch {
      return undefined;
    }
  };
  return async ({ tx, written, run }) => {
    let recorded = false;
    for (const v of written.filter((w) => w.type === 'Subscription')) {
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
    const subs = await run<SubscriptionRow[]>(activeFor([...new Set(candidates.map((c) => c.type))]));
    const now = new Date();
    // A condition is evaluated once per written resource, however many Subscriptions follow its topic.
    const held = new Map<string, Promise<boolean>>();
    for (const v of candidates) {
      const resource = v.resource as Resource;
      for (const sub of subs.filter((s) => s.res_type === v.type)) {
        if (!grantAllows(parseGrant(sub.grant_json), resource)) continue;
        if (!(await matchesOrWarn(() => matches(tx, v.type, sub.criteria, v.id), sub.id))) continue;
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
    return recorded ? wake : undefined;
  };
}

/**
 * Criteria that no longer parse (a SearchParameter since removed) match nothing: the write that is being
 * committed is not the subscriber's fault. Database errors still fail the transaction (it retries on deadlock).
 */
async function matchesOrWarn(match: () => Promise<boolean>, id: string): Promise<boolean> {
  try {
    return await match();
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    console.warn(`Subscription/${id}: its criteria no longer apply (${err.message}); nothing recorded`);
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
