import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** Metric names shared with the Grafana dashboards and alert rules in monitoring/. */
const METRICS = {
  serviceCalls: 'service_calls_total',
  serviceCallDuration: 'service_call_duration_seconds',
  breakerState: 'circuit_breaker_state',
} as const;

export const serviceCallMetricProviders = [
  makeCounterProvider({ name: METRICS.serviceCalls, help: 'Calls to other services by target and outcome', labelNames: ['target', 'outcome'] }),
  makeHistogramProvider({
    name: METRICS.serviceCallDuration,
    help: 'Duration of calls to other services, by target',
    labelNames: ['target'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeGaugeProvider({ name: METRICS.breakerState, help: 'Circuit breaker per target: 0 closed, 1 open, 2 half-open', labelNames: ['target'] }),
];

const BREAKER_VALUES = { closed: 0, open: 1, half_open: 2 } as const;

/** Observes the ServiceClient: latency and outcome per target, and the breaker's state. */
@Injectable()
export class ServiceCallMetrics {
  constructor(
    @InjectMetric(METRICS.serviceCalls) private readonly calls: Counter<string>,
    @InjectMetric(METRICS.serviceCallDuration) private readonly duration: Histogram<string>,
    @InjectMetric(METRICS.breakerState) private readonly breaker: Gauge<string>,
  ) {}

  onCall(target: string, outcome: string, seconds: number): void {
    this.calls.inc({ target, outcome });
    if (outcome !== 'rejected') this.duration.observe({ target }, seconds);
  }

  onBreakerState(target: string, state: keyof typeof BREAKER_VALUES): void {
    this.breaker.set({ target }, BREAKER_VALUES[state]);
  }

  /** Publishes a closed breaker at start, so dashboards and alerts see the series before any failure. */
  register(target: string): this {
    this.breaker.set({ target }, 0);
    this.calls.inc({ target, outcome: 'success' }, 0);
    return this;
  }
}
