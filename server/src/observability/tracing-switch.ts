// Whether OpenTelemetry tracing is on (the standard OTEL_* variables, https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
// and the flush the server awaits at shutdown. Imports nothing of OpenTelemetry: with tracing off none of it loads.

/** On when an OTLP endpoint is named or OTEL_TRACES_EXPORTER=otlp; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none wins. */
export function tracingEnabled(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase());
  if (exporters.includes('none')) return false;
  return exporters.includes('otlp') || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

let flush: (() => Promise<void>) | undefined;

/** Set by tracing.ts once the SDK runs. */
export function onTracingShutdown(fn: () => Promise<void>): void {
  flush = fn;
}

/** Exports the spans still queued and stops the SDK; does nothing with tracing off. Never throws. */
export async function shutdownTracing(): Promise<void> {
  const done = flush;
  flush = undefined;
  await done?.().catch((err: unknown) => console.error('tracing: could not export the last spans', err));
}
