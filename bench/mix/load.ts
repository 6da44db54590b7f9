// Loads N patients into the running server: the Synthea fixtures' shared Organizations first, then N copies of
// the patients' transaction Bundles (replicate.ts), posted over HTTP by several clients as bench/ingest does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replicate } from './replicate.js';

async function post(base: string, body: string): Promise<void> {
  const send = () => fetch(base, { method: 'POST', body, headers: { 'Content-Type': 'application/fhir+json', Prefer: 'return=minimal' } });
  let res = await send();
  // A transaction is all or nothing: one the busy database refused (503) is posted again.
  for (let retry = 0; res.status === 503 && retry < 5; retry++) {
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
    res = await send();
  }
  if (res.status !== 200) throw new Error(`bundle failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
  await res.arrayBuffer();
}

/** Posts the shared Bundles, then `patients` replicated patient Bundles, `clients` at a time; answers resources posted. */
export async function loadPatients(base: string, dir: string, patients: number, clients: number): Promise<number> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const shared = files.filter((f) => f.startsWith('hospital') || f.startsWith('practitioner'));
  const templates = files.filter((f) => !shared.includes(f)).map((f) => readFileSync(join(dir, f), 'utf8'));
  const entries = templates.map((t) => (JSON.parse(t) as { entry: unknown[] }).entry.length);
  for (const f of shared) await post(base, readFileSync(join(dir, f), 'utf8'));
  const start = performance.now();
  let next = 0;
  let posted = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < patients) {
        const n = next++;
        await post(base, replicate(templates[n % templates.length], n));
        posted += entries[n % templates.length];
        if ((n + 1) % 100 === 0)
          console.error(`loaded ${n + 1}/${patients} patients, ${(posted / ((performance.now() - start) / 1000)).toFixed(0)} resources/s`);
      }
    }),
  );
  console.error(`loaded ${patients} patients (${posted} resources) in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  return posted;
}
