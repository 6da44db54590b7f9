// fibrotrack subscriptions list|remove: what operators need to see and stop. `list` prints one JSON line per
// Subscription (status, criteria, events recorded, events not yet delivered, failures in a row); `remove <id>`
// deletes the Subscription as a FHIR delete would, so delivery stops at once on every node.
import type { RowDataPacket } from 'mysql2/promise';
import type { Config } from '../config.js';
import { buildFhirServices } from '../fhir-services.js';
import { allRows } from '../subscriptions/subscription-table.js';

/** A row of allRows(): the counters are numbers, or strings where they exceed what mysql2 hands out as numbers. */
interface SubscriptionListRecord extends RowDataPacket {
  id: string;
  status: string;
  res_type: string;
  criteria: string | null;
  event_count: number | string;
  failures: number | string;
  pending: number | string;
}

const USAGE = 'Usage: fibrotrack subscriptions list | fibrotrack subscriptions remove <id>';

export async function subscriptionsCommand(config: Config, args: string[]): Promise<number> {
  const [action, id, ...extra] = args;
  if (!(action === 'list' && id === undefined) && !(action === 'remove' && id && extra.length === 0)) {
    console.error(USAGE);
    return 2;
  }
  const services = await buildFhirServices(config);
  try {
    if (action === 'list') {
      const q = allRows();
      const [rows] = await services.pool.query<SubscriptionListRecord[]>(q.text, q.values as unknown[]);
      for (const r of rows) {
        console.log(
          JSON.stringify({
            id: r.id,
            status: r.status,
            criteria: `${r.res_type}${r.criteria ? `?${r.criteria}` : ''}`,
            events: Number(r.event_count),
            pending: Number(r.pending),
            failures: Number(r.failures),
          }),
        );
      }
      return 0;
    }
    const removed = await services.ctx.repo.transaction(async (tx) => {
      const current = await tx.readForUpdate('Subscription', id);
      if (!current || current.deleted) return false;
      await tx.remove(current);
      return true;
    });
    if (!removed) {
      console.error(`No Subscription/${id}`);
      return 1;
    }
    console.log(`Removed Subscription/${id}`);
    return 0;
  } finally {
    await services.close();
  }
}
