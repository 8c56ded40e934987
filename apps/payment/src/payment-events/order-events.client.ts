import { ServiceTokens } from '@app/auth';
import { ServiceClient } from '@app/bootstrap';
import { ServiceCallMetrics } from '@app/metrics';
import { Inject, Injectable } from '@nestjs/common';
import { paymentConfig, PaymentConfig } from '../config/payment.config';
import type { PaymentEvent } from './payment-event.entity';

export interface PaymentEventMessage {
  id: string;
  type: PaymentEvent['type'];
  payment_id: string;
  order_id: string;
  user_id: string;
  occurred_at: string;
}

@Injectable()
export class OrderEventsClient {
  private readonly http: ServiceClient;

  constructor(
    @Inject(paymentConfig.KEY) config: PaymentConfig,
    private readonly tokens: ServiceTokens,
    metrics: ServiceCallMetrics,
  ) {
    // No retries here: an undelivered event stays in the outbox and the relay tries it again later.
    this.http = new ServiceClient(
      { target: 'order', baseURL: config.ORDER_SERVICE_URL, timeoutMs: config.ORDER_SERVICE_TIMEOUT_MS, retries: 0, breakerThreshold: 5, breakerHalfOpenAfterMs: 5000 },
      metrics.register('order'),
    );
  }

  /** The order service's HTTP status; throws ServiceUnreachableError when it cannot be reached or fails (5xx). */
  async send(event: PaymentEvent): Promise<number> {
    const message: PaymentEventMessage = {
      id: event.id,
      type: event.type,
      payment_id: event.paymentId,
      order_id: event.orderId,
      user_id: event.userId,
      occurred_at: event.createdAt.toISOString(),
    };
    const response = await this.http.request({
      method: 'POST',
      url: '/orders/internal/payment-events',
      data: message,
      headers: { authorization: `Bearer ${await this.tokens.sign('payment')}` },
      idempotent: false,
    });
    return response.status;
  }
}
