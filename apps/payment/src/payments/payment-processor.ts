import { PAYMENT_METHODS, type PaymentMethod } from '@app/money';
import { PaymentMetrics } from './payment.metrics';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { paymentConfig, PaymentConfig } from '../config/payment.config';

export type ChargeOutcome = { status: 'completed'; transactionId: string } | { status: 'declined'; failureReason: string };

export const SIMULATED_DECLINE_REASON = 'Card declined by the issuer (simulated)';

/** Stands in for a card processor; the two test methods let clients and tests choose the outcome. */
@Injectable()
export class PaymentProcessor {
  constructor(
    @Inject(paymentConfig.KEY) private readonly config: PaymentConfig,
    metrics: PaymentMetrics,
  ) {
    metrics.processorConfigured(config.PAYMENT_DECLINE_RATE, PAYMENT_METHODS);
  }

  charge(method: PaymentMethod): ChargeOutcome {
    if (this.declines(method)) return { status: 'declined', failureReason: SIMULATED_DECLINE_REASON };
    return { status: 'completed', transactionId: `txn_${randomBytes(12).toString('hex')}` };
  }

  private declines(method: PaymentMethod): boolean {
    if (method === 'test_success') return false;
    if (method === 'test_decline') return true;
    return Math.random() < this.config.PAYMENT_DECLINE_RATE;
  }
}
