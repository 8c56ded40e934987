import { Injectable, Module } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Histogram } from 'prom-client';

/** Metric names shared with the Grafana dashboards and alert rules in monitoring/. */
const METRICS = {
  ordersPlaced: 'orders_placed_total',
  orderValue: 'order_value',
  ordersRevenue: 'orders_revenue_total',
} as const;

const orderMetricProviders = [
  makeCounterProvider({
    name: METRICS.ordersPlaced,
    help: 'Orders placed, by the status they ended in (confirmed, payment_failed, pending)',
    labelNames: ['status'],
  }),
  makeHistogramProvider({
    name: METRICS.orderValue,
    help: 'Order totals in currency units',
    labelNames: ['currency'],
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
  }),
  makeCounterProvider({ name: METRICS.ordersRevenue, help: 'Total of confirmed orders in currency units', labelNames: ['currency'] }),
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

/** The order metrics, registered once for the orders and the reconciler that both record them. */
@Module({ providers: [...orderMetricProviders, OrderMetrics], exports: [OrderMetrics] })
export class OrderMetricsModule {}
