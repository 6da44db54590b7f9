// fibrotrack serve: builds the app and listens until SIGINT/SIGTERM.
import { buildApp } from '../app.js';
import type { Config } from '../config.js';

export async function serveCommand(config: Config): Promise<void> {
  const { app, close } = await buildApp(config);
  const server = app.listen(config.port, config.host, () => {
    console.log(`FibroTrack FHIR listening on ${config.host}:${config.port}; FHIR base ${config.baseUrl}/fhir`);
  });
  const stop = () => server.close(() => void close().then(() => process.exit(0)));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
