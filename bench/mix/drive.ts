// Runs the mix: `clients` loops, each sending its next request when the last one answered, a shape drawn at random
// each time, for `seconds`; records per shape the latency of every 2xx answer and the count of every other status
// (0: no answer, a socket error or a timeout).
import { Agent, request } from 'node:http';
import type { Sample } from './sample.js';
import type { Shape } from './shapes.js';

export interface ShapeRecord {
  /** Milliseconds of each 2xx answer, in arrival order. */
  ok: number[];
  errors: Map<number, number>;
}

export interface MixRun {
  clients: number;
  seconds: number;
  shapes: Map<string, ShapeRecord>;
}

const TIMEOUT_MS = 60_000;

function get(agent: Agent, url: URL): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: { Accept: 'application/fhir+json' }, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', () => resolve(0));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

/** Sends the mix for `seconds` (after `warmup` seconds not recorded) from `clients` concurrent clients. */
export async function drive(
  base: string,
  shapes: Shape[],
  sample: Sample,
  clients: number,
  seconds: number,
  warmup: number,
): Promise<MixRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const records = new Map<string, ShapeRecord>(shapes.map((s) => [s.name, { ok: [], errors: new Map() }]));
  const t0 = performance.now();
  const recordFrom = t0 + warmup * 1000;
  const end = recordFrom + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < end) {
          const shape = shapes[Math.floor(Math.random() * shapes.length)];
          const url = new URL(`${base}/${shape.path(sample)}`);
          const start = performance.now();
          const status = await get(agent, url);
          const done = performance.now();
          if (start < recordFrom || done > end) continue;
          const record = records.get(shape.name)!;
          if (status >= 200 && status < 300) record.ok.push(done - start);
          else record.errors.set(status, (record.errors.get(status) ?? 0) + 1);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { clients, seconds, shapes: records };
}
