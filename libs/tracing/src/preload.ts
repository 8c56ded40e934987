/**
 * Loaded before the service with `node --require …/preload.js` (scripts/stack.js, the Dockerfile),
 * so the instrumentations are in place before http, pg, ioredis and pino are first required.
 * Without OTEL_EXPORTER_OTLP_ENDPOINT nothing of the SDK is even loaded: tracing then costs nothing.
 */
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./sdk') as typeof import('./sdk')).startTracing();
}
