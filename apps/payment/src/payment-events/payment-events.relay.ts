import { inContinuedTrace } from '@app/tracing';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { paymentConfig, PaymentConfig } from '../config/payment.config';
import { OrderEventsClient } from './order-events.client';
import { PaymentEvent, retryDelayMs } from './payment-event.entity';
import { DeliveryOutcome, PaymentEventsRepository } from './payment-events.repository';

const BATCH_SIZE = 20;
const DELIVERED: DeliveryOutcome = { delivered: true };

/** Sends outbox events to the order service on a timer and when kicked; it logs failures and never throws. */
@Injectable()
export class PaymentEventsRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentEventsRelay.name);
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private kickedWhileDraining = false;
  private stopped = false;

  constructor(
    @Inject(paymentConfig.KEY) private readonly config: PaymentConfig,
    private readonly events: PaymentEventsRepository,
    private readonly orders: OrderEventsClient,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.PAYMENT_EVENTS_POLL_MS);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
  }

  /** Delivers due events now; a kick during a drain runs one more drain after it, so no event waits for the timer. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.kickedWhileDraining = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.kickedWhileDraining) {
        this.kickedWhileDraining = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      let claimed: number;
      do {
        claimed = await this.events.processDue(BATCH_SIZE, (event) => this.deliver(event));
      } while (claimed === BATCH_SIZE && !this.stopped);
    } catch (error) {
      this.logger.error(`Could not relay payment events: ${(error as Error).message}`);
    }
  }

  private async deliver(event: PaymentEvent): Promise<DeliveryOutcome> {
    try {
      const status = await inContinuedTrace(`deliver ${event.type}`, event.traceparent, () => this.orders.send(event));
      if (status >= 200 && status < 300) return DELIVERED;
      if (status === 404) {
        this.logger.warn(`The order service does not know order ${event.orderId}; ${event.type} event ${event.id} has nothing to update`);
        return DELIVERED;
      }
      return this.failed(event, `the order service answered ${status}`);
    } catch (error) {
      return this.failed(event, (error as Error).message);
    }
  }

  private failed(event: PaymentEvent, error: string): DeliveryOutcome {
    const attempt = event.attempts + 1;
    const retryInMs = retryDelayMs(attempt);
    this.logger.warn(`Could not deliver ${event.type} event ${event.id} (attempt ${attempt}): ${error}; retrying in ${retryInMs} ms`);
    return { delivered: false, error, retryInMs };
  }
}
