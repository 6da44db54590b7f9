// The outbox: in the transaction of every write, before it commits, (1) a written Subscription's delivery row is
// brought in line with it, and (2) each written resource is matched against the active subscriptions on its type
// and an event is recorded for each match, numbered per subscription. The events commit or roll back with the
// write: a crash after the commit loses no notification, and a rolled-back write sends none.
import type { Resource, Subscription } from 'fhir/r4.js';
import type { ResultSetHeader } from 'mysql2/promise';
import { OutcomeError } from '../core/outcomes.js';
import type { CommitHook } from '../store/mysql/mysql-repository.js';
import type { ResourceVersion } from '../store/repository.js';
import type { GrantCheck } from './grant.js';
import { parseGrant } from './grant.js';
import type { CriteriaMatcher } from './matcher.js';
import { activeFor, insertEvent, nextEventNumber, switchOff, syncResource, type SubscriptionRow, type SubscriptionStatus } from './subscription-table.js';

const STATUSES = new Set(['requested', 'active', 'error', 'off']);

export function outboxHook(matches: CriteriaMatcher, grantAllows: GrantCheck, criteriaOf: (sub: Subscription) => { type: string; query: string }, wake: () => void): CommitHook {
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
      const status = (criteria && STATUSES.has(sub.status) ? sub.status : 'off') as SubscriptionStatus;
      await run(syncResource(v.id, criteria?.type ?? '', criteria?.query ?? '', status));
      recorded ||= status === 'requested';
    }
    const candidates = latestOf(written.filter((w) => !w.deleted && w.resource && w.type !== 'Subscription'));
    if (candidates.length === 0) return recorded ? wake : undefined;
    const subs = await run<SubscriptionRow[]>(activeFor([...new Set(candidates.map((c) => c.type))]));
    const now = new Date();
    for (const v of candidates) {
      for (const sub of subs.filter((s) => s.res_type === v.type)) {
        if (!grantAllows(parseGrant(sub.grant_json), v.resource as Resource)) continue;
        if (!(await matchesOrWarn(() => matches(tx, v.type, sub.criteria, v.id), sub.id))) continue;
        const { insertId } = await run<ResultSetHeader>(nextEventNumber(sub.id));
        await run(insertEvent(sub.id, Number(insertId), v.type, v.id, Number(v.versionId), now));
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

/** A resource written twice in one transaction (a bundle) is one event, at its last version. */
function latestOf(versions: ResourceVersion[]): ResourceVersion[] {
  const last = new Map<string, ResourceVersion>();
  for (const v of versions) last.set(`${v.type}/${v.id}`, v);
  return [...last.values()];
}
