import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { PaymentEventsRepository } from './payment-events.repository';

/**
 * The outbox backlog as gauges read at scrape time: how many refund events wait for the order
 * service, and how old the oldest is. A backlog that ages means refunds are not reaching orders.
 */
@Injectable()
export class PaymentEventsMetrics implements OnModuleInit {
  constructor(private readonly events: PaymentEventsRepository) {}

  onModuleInit(): void {
    // Several apps can be built in one process (the e2e suites): the gauges read the latest one.
    for (const name of ['payment_outbox_undelivered_events', 'payment_outbox_oldest_undelivered_age_seconds']) register.removeSingleMetric(name);
    // One query answers both gauges; the promise is shared by the two collects of one scrape.
    let reading: Promise<{ undelivered: number; oldestAgeSeconds: number }> | undefined;
    const read = () => {
      reading ??= this.events.backlog().finally(() => setImmediate(() => (reading = undefined)));
      return reading;
    };
    new Gauge({
      name: 'payment_outbox_undelivered_events',
      help: 'Payment events (refunds) not yet delivered to the order service',
      registers: [register],
      async collect() {
        this.set((await read()).undelivered);
      },
    });
    new Gauge({
      name: 'payment_outbox_oldest_undelivered_age_seconds',
      help: 'Age of the oldest payment event not yet delivered to the order service, 0 when none waits',
      registers: [register],
      async collect() {
        this.set((await read()).oldestAgeSeconds);
      },
    });
  }
}
