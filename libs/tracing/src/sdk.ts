import { IncomingMessage } from 'node:http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { TRACING_SDK } from './trace-context';

// Probes and scrapes every few seconds would bury the requests people look for.
const UNTRACED_PATH = /^\/(?:[a-z]+\/)?(?:health(?:\/|$)|metrics(?:\/|$))/;

/**
 * The OpenTelemetry Node SDK, configured from the standard OTEL_* variables (endpoint, protocol,
 * service name, sampler, batch settings). Traces only: metrics stay with Prometheus and logs on stdout.
 */
export function startTracing(): void {
  const sdk = new NodeSDK({
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATH.test(req.url ?? ''),
        // The outbox relay's polls are not a request of anyone's: no trace of their own.
        requireParentforOutgoingSpans: true,
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // trace_id and span_id on every log line written inside a span.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
  });
  sdk.start();
  (globalThis as Record<symbol, unknown>)[TRACING_SDK] = sdk;
}
