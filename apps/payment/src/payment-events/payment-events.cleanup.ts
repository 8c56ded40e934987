import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { paymentConfig, PaymentConfig } from '../config/payment.config';
import { PaymentEventsRepository } from './payment-events.repository';

/** Deletes delivered outbox events past their retention on a schedule, so the outbox stays small. */
@Injectable()
export class PaymentEventsCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentEventsCleanup.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(paymentConfig.KEY) private readonly config: PaymentConfig,
    private readonly events: PaymentEventsRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.run().finally(() => (this.running = undefined));
    }, this.config.PAYMENT_EVENTS_CLEANUP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    try {
      const deleted = await this.events.deleteDelivered(this.config.PAYMENT_EVENTS_RETENTION_HOURS);
      if (deleted > 0) this.logger.log(`Deleted ${deleted} payment events delivered more than ${this.config.PAYMENT_EVENTS_RETENTION_HOURS} h ago`);
    } catch (error) {
      this.logger.error(`Could not delete delivered payment events: ${(error as Error).message}`);
    }
  }
}
