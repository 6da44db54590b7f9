// Loads N patients into the benchmark database in this process, through the server's own transaction path as
// `fibrotrack load` does (buildFhirServices + handleFhirRequest: validation, urn:uuid rewriting, the same finished
// index rows and history rows, one database transaction per Bundle through the repository's write buffer), without
// HTTP in between: the Synthea fixtures' shared Organizations first, then N copies of the patients' transaction
// Bundles (replicate.ts), `concurrency` Bundles in flight. The database then holds what posting the same Bundles
// to the server in AUTH_MODE=open would store (open mode writes no AuditEvents).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../server/src/config.js';
import { parseFhirJson } from '../../server/src/core/json.js';
import { OutcomeError } from '../../server/src/core/outcomes.js';
import { buildFhirServices } from '../../server/src/fhir-services.js';
import { handleFhirRequest } from '../../server/src/fhir/router.js';
import type { FhirContext } from '../../server/src/fhir/fhir-context.js';
import { replicate } from './replicate.js';

export interface LoadFigures {
  resources: number;
  seconds: number;
}

/** One transaction Bundle; one the busy database refused (503: lock wait, pool) is sent again, as a client would. */
async function post(ctx: FhirContext, text: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await handleFhirRequest(
        { method: 'POST', path: '', query: new URLSearchParams(), headers: {}, body: parseFhirJson(Buffer.from(text)) },
        ctx,
      );
      if (res.status !== 200) throw new Error(`bundle answered ${res.status}`);
      return;
    } catch (err) {
      if (err instanceof OutcomeError && err.status === 503 && attempt < 5) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      throw err;
    }
  }
}

/**
 * Stores the shared Bundles, then `patients` replicated patient Bundles, `concurrency` at a time, into the
 * database at `databaseUrl` (migrated first, as the server does at start); answers resources stored and seconds.
 * `from` > 0: the database holds copies 0..from-1 and the shared Bundles already; copies from..patients-1 are added.
 */
export async function loadPatients(
  databaseUrl: string,
  dir: string,
  patients: number,
  concurrency: number,
  from = 0,
): Promise<LoadFigures> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const shared = files.filter((f) => f.startsWith('hospital') || f.startsWith('practitioner'));
  const templates = files.filter((f) => !shared.includes(f)).map((f) => readFileSync(join(dir, f), 'utf8'));
  const entries = templates.map((t) => (JSON.parse(t) as { entry: unknown[] }).entry.length);
  const services = await buildFhirServices(
    loadConfig({
      DATABASE_URL: databaseUrl,
      AUTH_MODE: 'open',
      DB_POOL_SIZE: String(concurrency + 2),
      DB_POOL_ACQUIRE_TIMEOUT_MS: '60000',
      DB_CONNECT_TIMEOUT_MS: '30000',
    }),
  );
  try {
    if (from === 0) for (const f of shared) await post(services.ctx, readFileSync(join(dir, f), 'utf8'));
    const start = performance.now();
    let next = from;
    let stored = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < patients) {
          const n = next++;
          await post(services.ctx, replicate(templates[n % templates.length], n));
          stored += entries[n % templates.length];
          if ((n + 1) % 200 === 0)
            console.error(
              `loaded ${n + 1}/${patients} patients, ${(stored / ((performance.now() - start) / 1000)).toFixed(0)} resources/s`,
            );
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    console.error(
      `loaded patients ${from}-${patients - 1} (${stored} resources) in ${seconds.toFixed(0)} s: ${(stored / seconds).toFixed(0)} resources/s`,
    );
    return { resources: stored, seconds };
  } finally {
    // Everything is committed by now: a slow close on the busy machine is reported, not fatal.
    await services.close().catch((err: unknown) => console.error(`closing the loader's services: ${String(err)}`));
  }
}
