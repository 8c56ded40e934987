import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** Metric names shared with the Grafana dashboards and alert rules in monitoring/. */
export const METRICS = {
  ordersPlaced: 'orders_placed_total',
  orderValue: 'order_value',
  ordersRevenue: 'orders_revenue_total',
  payments: 'payments_total',
  refunds: 'payment_refunds_total',
  declineRateConfigured: 'payment_decline_rate_configured',
  serviceCalls: 'service_calls_total',
  serviceCallDuration: 'service_call_duration_seconds',
  breakerState: 'circuit_breaker_state',
  passwordHashQueue: 'password_hash_queue_length',
  passwordHashRunning: 'password_hash_running',
  passwordHashSkipped: 'password_hash_skipped_total',
  passwordHashRejected: 'password_hash_rejected_total',
} as const;

export const orderMetricProviders = [
  makeCounterProvider({ name: METRICS.ordersPlaced, help: 'Orders placed, by the status they ended in (confirmed, payment_failed, pending)', labelNames: ['status'] }),
  makeHistogramProvider({
    name: METRICS.orderValue,
    help: 'Order totals in currency units',
    labelNames: ['currency'],
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
  }),
  makeCounterProvider({ name: METRICS.ordersRevenue, help: 'Total of confirmed orders in currency units', labelNames: ['currency'] }),
];

export const paymentMetricProviders = [
  makeCounterProvider({ name: METRICS.payments, help: 'Payments processed, by outcome (completed, declined)', labelNames: ['outcome', 'method'] }),
  makeCounterProvider({ name: METRICS.refunds, help: 'Payments refunded' }),
  makeGaugeProvider({ name: METRICS.declineRateConfigured, help: 'The configured simulated decline rate (PAYMENT_DECLINE_RATE)' }),
];

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

@Injectable()
export class OrderMetrics {
  constructor(
    @InjectMetric(METRICS.ordersPlaced) private readonly placed: Counter<string>,
    @InjectMetric(METRICS.orderValue) private readonly value: Histogram<string>,
    @InjectMetric(METRICS.ordersRevenue) private readonly revenue: Counter<string>,
  ) {
    // Every series exists from the start, so rate() counts the first order of each kind too.
    for (const status of ['confirmed', 'payment_failed', 'pending']) placed.inc({ status }, 0);
    revenue.inc({ currency: 'USD' }, 0);
  }

  orderPlaced(status: string, currency: string, totalMinor: number): void {
    this.placed.inc({ status });
    this.value.observe({ currency }, totalMinor / 100);
  }

  orderConfirmed(currency: string, totalMinor: number): void {
    this.revenue.inc({ currency }, totalMinor / 100);
  }
}

@Injectable()
export class PaymentMetrics {
  constructor(
    @InjectMetric(METRICS.payments) private readonly payments: Counter<string>,
    @InjectMetric(METRICS.refunds) private readonly refunds: Counter<string>,
    @InjectMetric(METRICS.declineRateConfigured) private readonly declineRate: Gauge<string>,
  ) {}

  /** Publishes the configuration, and every outcome series at 0 so rate() counts the first payment too. */
  processorConfigured(declineRate: number, methods: readonly string[]): void {
    this.declineRate.set(declineRate);
    for (const outcome of ['completed', 'declined']) for (const method of methods) this.payments.inc({ outcome, method }, 0);
  }

  paymentProcessed(outcome: 'completed' | 'declined', method: string): void {
    this.payments.inc({ outcome, method });
  }

  paymentRefunded(): void {
    this.refunds.inc();
  }
}

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

export const passwordHashMetricProviders = [
  makeGaugeProvider({ name: METRICS.passwordHashQueue, help: 'Password hashes waiting for a hashing thread' }),
  makeGaugeProvider({ name: METRICS.passwordHashRunning, help: 'Password hashes and checks in progress' }),
  makeCounterProvider({ name: METRICS.passwordHashSkipped, help: 'Queued password hashes not done because their client had gone', labelNames: ['reason'] }),
  makeCounterProvider({
    name: METRICS.passwordHashRejected,
    help: 'Password hashes refused with 503: the queue was full, or the job waited longer than PASSWORD_HASH_MAX_WAIT_MS',
    labelNames: ['reason'],
  }),
];

@Injectable()
export class PasswordHashMetrics {
  constructor(
    @InjectMetric(METRICS.passwordHashQueue) private readonly queue: Gauge<string>,
    @InjectMetric(METRICS.passwordHashRunning) private readonly running: Gauge<string>,
    @InjectMetric(METRICS.passwordHashSkipped) private readonly skipped: Counter<string>,
    @InjectMetric(METRICS.passwordHashRejected) private readonly rejected: Counter<string>,
  ) {
    queue.set(0);
    running.set(0);
    skipped.inc({ reason: 'client_gone' }, 0);
    for (const reason of ['queue_full', 'waited_too_long']) rejected.inc({ reason }, 0);
  }

  queueLength(length: number): void {
    this.queue.set(length);
  }

  jobsRunning(count: number): void {
    this.running.set(count);
  }

  jobSkipped(reason: 'client_gone'): void {
    this.skipped.inc({ reason });
  }

  jobRejected(reason: 'queue_full' | 'waited_too_long'): void {
    this.rejected.inc({ reason });
  }
}
