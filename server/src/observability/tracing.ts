// OpenTelemetry tracing (https://opentelemetry.io/docs/specs/otel/trace/), loaded by main.ts only when tracing-switch.ts
// says it is on, and before any instrumented module (express, mysql2, ioredis, node:http) is imported: each FHIR
// request is a server span named after its interaction and type ("search-type Observation") carrying its
// X-Request-Id, with child spans for its SQL statements (text only: values are bound, and literals are masked too),
// Redis commands (the command name only: keys hold token digests) and outbound HTTP (rest-hooks, Fitbit, JWKS).
// No span keeps a query string. Spans go to OTEL_EXPORTER_OTLP_ENDPOINT over OTLP/HTTP (JSON), batched.
import { register } from 'node:module';
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestKind } from './fhir-interaction.js';
import { onTracingShutdown } from './tracing-switch.js';

/** Starts the SDK; resolves once the module loader will hook the instrumented packages. */
export async function startTracing(env: Record<string, string | undefined>): Promise<void> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'fibrotrack' }),
    spanProcessors: [scrubQueryStrings, new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ applyCustomAttributesOnSpan: nameServerSpan }),
      new ExpressInstrumentation({ ignoreLayersType: ['middleware' as never] }),
      new MySQL2Instrumentation({ maskStatement: true }),
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
      new UndiciInstrumentation(),
    ],
  });
  onTracingShutdown(() => provider.shutdown());
  await waitForAllMessagesAcknowledged();
}

/** The server span of a request: named like the request metrics ("read Patient"), with the request's id. */
function nameServerSpan(span: Span, request: unknown, response: unknown): void {
  if (!('getHeader' in (response as object))) return; // an outbound request: its response is an IncomingMessage
  const req = request as IncomingMessage & { originalUrl?: string }; // express shortens url inside a mounted app
  const kind = requestKind(req.method ?? 'GET', req.originalUrl ?? req.url ?? '/', (name) => /^[A-Z][A-Za-z]+$/.test(name));
  span.updateName(kind.type ? `${kind.interaction} ${kind.type}` : kind.interaction);
  const id = (response as ServerResponse).getHeader('x-request-id');
  if (typeof id === 'string') span.setAttribute('http.request.id', id);
  span.setAttribute('fhir.interaction', kind.interaction);
  if (kind.type) span.setAttribute('fhir.resource_type', kind.type);
}

const URL_KEYS = ['url.full', 'http.url', 'http.target', 'url.path', 'http.route'];
const QUERY_KEYS = ['url.query'];

/** Query strings carry search values (names, identifiers) and sometimes tokens: no span keeps one. */
const scrubQueryStrings: SpanProcessor = {
  onStart: () => undefined,
  onEnding: (span) => {
    const attributes = span.attributes as Record<string, unknown>;
    for (const key of QUERY_KEYS) delete attributes[key];
    for (const key of URL_KEYS) {
      const value = attributes[key];
      if (typeof value === 'string' && value.includes('?')) attributes[key] = value.slice(0, value.indexOf('?'));
    }
  },
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
