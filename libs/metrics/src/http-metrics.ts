import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { FastifyInstance } from 'fastify';
import type { Counter, Histogram } from 'prom-client';

export const HTTP_REQUESTS_TOTAL = 'http_requests_total';
export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';
const LABELS = ['method', 'route', 'status_code'];

export const httpMetricProviders = [
  makeCounterProvider({ name: HTTP_REQUESTS_TOTAL, help: 'HTTP requests by method, route template and status code', labelNames: LABELS }),
  makeHistogramProvider({
    name: HTTP_REQUEST_DURATION,
    help: 'HTTP request duration in seconds by method, route template and status code',
    labelNames: LABELS,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
];

/**
 * RED metrics from a Fastify hook rather than a Nest interceptor: it also sees requests
 * that never reach a controller (404s, refused bodies), and it labels by the route
 * template Fastify matched, never by the raw path.
 */
@Injectable()
export class HttpMetrics {
  constructor(
    @InjectMetric(HTTP_REQUESTS_TOTAL) private readonly requests: Counter<string>,
    @InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<string>,
  ) {}

  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
      this.requests.inc(labels);
      this.duration.observe(labels, reply.elapsedTime / 1000);
      done();
    });
  }
}
