// GET /metrics in Prometheus' text format (https://prometheus.io/docs/instrumenting/exposition_formats/), for a
// scraper only: with METRICS_TOKEN it needs `Authorization: Bearer <METRICS_TOKEN>`; with METRICS_PORT it is served
// on that port (METRICS_HOST, loopback by default) and not on the API's; with neither it is off (404). FHIR access
// tokens never open it: metrics are about the server, not anybody's data.
import { createServer, type Server } from 'node:http';
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import type { Registry } from 'prom-client';
import { OutcomeError, issue, outcome } from '../core/outcomes.js';
import { sameSecret } from '../core/same-secret.js';

export interface MetricsAccess {
  /** METRICS_TOKEN: the bearer token a scrape must send. */
  token?: string;
  /** METRICS_PORT: a port of its own (0: none). */
  port: number;
  /** METRICS_HOST: the interface of that port. */
  host: string;
}

const BEARER = /^Bearer +(\S+) *$/i;

/** The API port's /metrics: served only with METRICS_TOKEN and no METRICS_PORT. */
export function apiMetricsRouter(registry: Registry, access: MetricsAccess): Router {
  return metricsRouter(registry, access.token !== undefined && !access.port, access.token);
}

function metricsRouter(registry: Registry, served: boolean, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (!served) throw metricsOff();
      if (token !== undefined) {
        const presented = BEARER.exec(req.headers.authorization ?? '')?.[1];
        if (!presented || !sameSecret(presented, token)) throw refused(req.headers.authorization !== undefined);
      }
      const text = await registry.metrics();
      res.status(200).setHeader('Content-Type', registry.contentType).setHeader('Cache-Control', 'no-store').end(text);
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** METRICS_PORT: /metrics alone on its own port (with the token check too when METRICS_TOKEN is set). */
export async function listenForMetrics(registry: Registry, access: MetricsAccess, onError: express.ErrorRequestHandler): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRouter(registry, true, access.token));
  app.use((req, _res, next) =>
    next(
      new OutcomeError(
        'not-found',
        outcome(issue({ code: 'not-found', diagnostics: `Only GET /metrics is served on this port, not ${req.method} ${req.path}` })),
      ),
    ),
  );
  app.use(onError);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(access.port, access.host, () => resolve());
  });
  return server;
}

function metricsOff(): OutcomeError {
  return new OutcomeError(
    'not-found',
    outcome(
      issue({
        code: 'not-found',
        diagnostics:
          'Metrics are not served here: they need METRICS_TOKEN (then GET /metrics with that bearer token) or are on METRICS_PORT',
      }),
    ),
  );
}

function refused(tokenWasSent: boolean): OutcomeError {
  return new OutcomeError(
    'login-required',
    outcome(issue({ code: 'login', diagnostics: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' })),
    {
      'WWW-Authenticate': tokenWasSent ? 'Bearer realm="metrics", error="invalid_token"' : 'Bearer realm="metrics"',
    },
  );
}
