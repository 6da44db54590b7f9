// The one entry point: `npm start` (no arguments) serves; `fibrotrack <command>` runs the CLI.
// The only module that reads process.env. With OpenTelemetry tracing on (observability/tracing-switch.ts) the SDK
// starts first, so that the modules it instruments are hooked as they load; off, nothing of it is loaded.
import { shutdownTracing, tracingEnabled } from './observability/tracing-switch.js';

if (tracingEnabled(process.env)) await (await import('./observability/tracing.js')).startTracing(process.env);
const { runCli } = await import('./cli/run-cli.js');

runCli(process.argv.slice(2), process.env).then(
  async (code) => {
    if (code === undefined) return;
    await shutdownTracing();
    process.exit(code);
  },
  async (err: Error) => {
    console.error(`fibrotrack: ${err.message}`);
    await shutdownTracing();
    process.exit(1);
  },
);
