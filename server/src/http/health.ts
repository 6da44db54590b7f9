// GET /healthz (liveness: the process answers) and GET /readyz (readiness: the database answers and its migrations
// are applied, and with AUTH_MODE=smart Redis answers; read replicas are reported but do not decide it); /health and
// /health/ready are the same. Public, data-free and not audited, for load balancers and orchestrators; readiness
// answers 503 with Retry-After naming what is down, and turns 200 again by itself once it is back.
import { Router, type Response } from 'express';
import { RETRY_AFTER_SECONDS } from '../core/unavailable.js';

/** A dependency check: resolves when the dependency answered. */
export type Probe = () => Promise<unknown>;

/** A probe slower than this counts as down: readiness must answer quickly even when a dependency hangs. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * `optional` dependencies (read replicas) are reported as `warn` when down but leave the node ready: what they serve
 * falls back to a required one.
 */
export function healthRoutes(probes: Record<string, Probe>, optional: Record<string, Probe> = {}): Router {
  const router = Router();
  router.get(['/healthz', '/health'], (_req, res) => send(res, 200, { status: 'pass' }));
  router.get(['/readyz', '/health/ready'], async (_req, res) => {
    const all = [
      ...Object.entries(probes).map(([name, probe]) => [name, probe, true] as const),
      ...Object.entries(optional).map(([name, probe]) => [name, probe, false] as const),
    ];
    const results = await Promise.all(all.map(async ([name, probe, required]) => [name, await check(probe), required] as const));
    const checks = Object.fromEntries(
      results.map(([name, error, required]) => [
        name,
        error === undefined ? { status: 'pass' } : { status: required ? 'fail' : 'warn', output: error },
      ]),
    );
    const down = results.filter(([, error, required]) => error !== undefined && required).map(([name]) => name);
    if (down.length === 0) return send(res, 200, { status: 'pass', checks });
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    send(res, 503, { status: 'fail', output: `unavailable: ${down.join(', ')}`, checks });
  });
  return router;
}

/** undefined when the probe answered in time, else why not. */
async function check(probe: Probe): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${PROBE_TIMEOUT_MS} ms`), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe().then(() => undefined), timeout]);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

function send(res: Response, status: number, body: unknown): void {
  // The IETF health check format (draft-inadarei-api-health-check); never cached.
  res.status(status).setHeader('Content-Type', 'application/health+json').setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}
