import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';

/** Metric names shared with the Grafana dashboards and alert rules in monitoring/. */
const METRICS = {
  payments: 'payments_total',
  refunds: 'payment_refunds_total',
  declineRateConfigured: 'payment_decline_rate_configured',
} as const;

export const paymentMetricProviders = [
  makeCounterProvider({ name: METRICS.payments, help: 'Payments processed, by outcome (completed, declined)', labelNames: ['outcome', 'method'] }),
  makeCounterProvider({ name: METRICS.refunds, help: 'Payments refunded' }),
  makeGaugeProvider({ name: METRICS.declineRateConfigured, help: 'The configured simulated decline rate (PAYMENT_DECLINE_RATE)' }),
];

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
