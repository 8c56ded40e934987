import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/** Where the preload leaves the started SDK, so the service can flush it on shutdown. */
export const TRACING_SDK = Symbol.for('nest-commerce.tracing-sdk');

/** The W3C `traceparent` of the current span, to store with work done later (the outbox); undefined when not tracing. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` in a span that continues the trace of `traceparent` (a message's origin), so what
 * happens later, elsewhere, belongs to the request that caused it.
 */
export function inContinuedTrace<T>(name: string, traceparent: string | null | undefined, work: () => Promise<T>): Promise<T> {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  return trace.getTracer('nest-commerce').startActiveSpan(name, { kind: SpanKind.PRODUCER }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Names the HTTP server span by the route template (`GET /orders/:id`) instead of the bare method. */
export function recordRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}

/** Sends the spans still buffered; the service calls it last on shutdown. */
export async function flushTracing(): Promise<void> {
  const sdk = (globalThis as Record<symbol, { shutdown(): Promise<void> } | undefined>)[TRACING_SDK];
  await sdk?.shutdown();
}
