// fibrotrack serve: builds the app and listens until SIGINT/SIGTERM. With WORKERS > 1 the primary
// migrates once and forks that many workers sharing the port (node:cluster), replacing any that die. Private
// development services (dev-services/) this process started stop after the server's connections to them are closed.
import cluster from 'node:cluster';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { gracefulShutdown } from '../http/graceful-shutdown.js';
import { createHttpServer } from '../http/http-server.js';
import { migrateCommand } from './migrate-command.js';
import { listenForMetrics } from '../observability/metrics-endpoint.js';
import { createLogger } from '../observability/request-log.js';
import { errorHandler } from '../http/error-handler.js';
import { shutdownTracing } from '../observability/tracing-switch.js';

export async function serveCommand(config: Config, stopDevServices: () => Promise<void> = () => Promise.resolve()): Promise<void> {
  if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config, stopDevServices);
  const logger = createLogger(config.logLevel);
  const { app, metrics, close, upgrade } = await buildApp(config, { logger });
  // METRICS_PORT: /metrics on a port of its own (each worker would need its own port: with WORKERS > 1 use METRICS_TOKEN).
  const metricsServer =
    config.metrics.port && !cluster.isWorker
      ? await listenForMetrics(
          metrics.registry,
          config.metrics,
          errorHandler(config.baseUrl + '/fhir', { error: (msg, err) => logger.error({ err }, msg) }),
        )
      : undefined;
  const server = createHttpServer(app, upgrade).listen(config.port, config.host, () => {
    const who = cluster.isWorker ? `worker ${cluster.worker!.id}` : 'FibroTrack FHIR';
    console.log(`${who} listening on ${config.host}:${config.port}; FHIR base ${config.baseUrl}/fhir`);
  });
  const shutdown = gracefulShutdown(server, {
    timeoutMs: config.shutdownTimeoutMs,
    closeServices: async () => {
      metricsServer?.closeAllConnections();
      await new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined)));
      await close();
      await stopDevServices();
      await shutdownTracing(); // the spans of the last requests, flushed to the collector
    },
  });
  const stop = () =>
    void shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed', err);
        process.exit(1);
      },
    );
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // A worker whose supervisor is gone (killed, crashed) must not keep holding the port.
  if (cluster.isWorker) process.once('disconnect', stop);
}

async function superviseWorkers(config: Config, stopDevServices: () => Promise<void>): Promise<void> {
  await migrateCommand(config);
  let stopping = false;
  // Workers use the database and Redis the primary resolved (a private development one included).
  const workerEnv = { DATABASE_URL: config.databaseUrl, REDIS_URL: config.redisUrl };
  for (let i = 0; i < config.workers; i++) cluster.fork(workerEnv);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`worker ${worker.id} exited (${signal ?? code}); starting another`);
    cluster.fork(workerEnv);
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) void stopDevServices().finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
