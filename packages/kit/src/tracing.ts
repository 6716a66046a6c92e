// Tracing (OpenTelemetry). A service imports `@shop/kit/tracing` and calls `startTracing` before anything else is
// loaded (its src/tracing.ts, first import of main.ts), so the http, pg and graphql modules are instrumented when
// they are first required. This module imports nothing of the kit's, so importing it loads none of those first.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/** Propagation fields (`traceparent`, `tracestate`) as stored beside an event or sent in its headers. */
export type TraceCarrier = Record<string, string>;

const tracer = () => trace.getTracer('@shop/kit');

/**
 * Whether tracing is on: an OTLP endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or `..._TRACES_ENDPOINT`), and
 * neither `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` turns it off. Off, the API stays a no-op.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.split(',').some((name) => name.trim() === 'none')) return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

// Probes and scrapes every few seconds are not client requests: no trace for them.
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK for `service` when `tracingEnabled`: traces exported over OTLP as the standard
 * `OTEL_*` variables say (endpoint, protocol, headers, sampler, batch delays; `OTEL_SERVICE_NAME` overrides the
 * name), W3C trace context in and out of every HTTP request and fetch, SQL statements as spans of the request that
 * ran them (a background loop's queries, with no request around them, are not traced), GraphQL operations and
 * non-trivial resolvers. Metrics stay with Prometheus and logs with stdout unless `OTEL_METRICS_EXPORTER` or
 * `OTEL_LOGS_EXPORTER` asks for OTLP too.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk || !tracingEnabled(env)) return false;
  // Required here, not imported: with tracing off none of the SDK is loaded.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  /* eslint-enable @typescript-eslint/no-require-imports */
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || service,
    ...(env.OTEL_METRICS_EXPORTER ? {} : { metricReaders: [] }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]!),
        // Node's fetch is traced by the undici instrumentation; the http one sees only the rest.
        requireParentforOutgoingSpans: true,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // MikroORM sends statements with their values inlined: the span keeps the statement's shape, not the data.
      new PgInstrumentation({
        requireParentSpan: true,
        requestHook: (span, { query }) => span.setAttribute('db.query.text', sqlShape(query.text)),
      }),
      new GraphQLInstrumentation({ ignoreTrivialResolveSpans: true, mergeItems: true }),
    ],
  });
  sdk.start();
  return true;
}

/**
 * A statement with its literal values taken out: strings (also `E'...'` and dollar-quoted), numbers and booleans
 * become `?`, and a list of them `(?)`. Identifiers (quoted or not), keywords and casts stay, so spans group by shape
 * and carry no customer data (e-mails, addresses, password hashes, sealed tokens).
 */
export function sqlShape(sql: string): string {
  return sql
    .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, '?')
    .replace(/(?:\b[Ee])?'(?:[^']|'')*'/g, '?')
    .replace(/(?<![\w."$])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w"])/g, '?')
    .replace(/\b(?:true|false|null)\b/gi, (word, offset: number, whole: string) =>
      /\bis\s+(?:not\s+)?$/i.test(whole.slice(0, offset)) ? word : '?',
    )
    .replace(/\(\s*\?(?:\s*,\s*\?)+\s*\)/g, '(?)');
}

/** Exports what is buffered and stops the SDK (at shutdown); nothing when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

/** The active span's ids, for log lines (nothing outside a traced request or message). */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags & 1 ? { traceId, spanId } : undefined;
}

/** The active trace context as propagation fields (empty when nothing is traced). */
export function injectTraceContext(from: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** A context continuing the trace in `carrier` (header values may arrive as Buffers from AMQP). */
export function extractTraceContext(carrier: Record<string, unknown> | null | undefined): Context {
  if (!carrier) return ROOT_CONTEXT;
  const fields: TraceCarrier = {};
  for (const key of ['traceparent', 'tracestate']) {
    const value = carrier[key];
    if (typeof value === 'string') fields[key] = value;
    else if (Buffer.isBuffer(value)) fields[key] = value.toString('utf8');
  }
  return propagation.extract(ROOT_CONTEXT, fields);
}

export interface SpanOptions {
  kind?: 'internal' | 'producer' | 'consumer' | 'client' | 'server';
  attributes?: Attributes;
  /** The parent; the active context by default. */
  parent?: Context;
}

const KINDS = {
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
};

/**
 * Runs `work` in a new span made active for it (so spans it causes are its children), ending it when `work` settles;
 * a throw is recorded on the span and rethrown. With tracing off the span is a no-op and costs next to nothing.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: KINDS[options.kind ?? 'internal'], ...(options.attributes ? { attributes: options.attributes } : {}) },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** A span that ends at once (a point in the flow: an event recorded), returning its context for what follows it. */
export function markSpan(name: string, options: SpanOptions = {}): Context {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: KINDS[options.kind ?? 'internal'], ...(options.attributes ? { attributes: options.attributes } : {}) },
    parent,
  );
  span.end();
  return trace.setSpan(parent, span);
}

/** Runs `work` with `parent` as the active context. */
export function withTraceContext<T>(parent: Context, work: () => T): T {
  return context.with(parent, work);
}
