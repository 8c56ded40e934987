import type { PaymentMetrics } from './payment.metrics';
import type { PaymentConfig } from '../config/payment.config';
import { PaymentProcessor, SIMULATED_DECLINE_REASON } from './payment-processor';

const processorConfigured = jest.fn();
const metrics = { processorConfigured } as unknown as PaymentMetrics;
const processor = (rate: number) => new PaymentProcessor({ PAYMENT_DECLINE_RATE: rate } as PaymentConfig, metrics);

describe('PaymentProcessor', () => {
  it('always completes test_success and always declines test_decline, whatever the rate', () => {
    for (const rate of [0, 1]) {
      expect(processor(rate).charge('test_success')).toEqual({ status: 'completed', transactionId: expect.stringMatching(/^txn_[0-9a-f]{24}$/) });
      expect(processor(rate).charge('test_decline')).toEqual({ status: 'declined', failureReason: SIMULATED_DECLINE_REASON });
    }
  });

  it('publishes the configured rate as a metric', () => {
    processor(0.35);
    expect(processorConfigured).toHaveBeenCalledWith(0.35, expect.arrayContaining(['credit_card', 'test_success']));
  });

  it('declines the other methods at PAYMENT_DECLINE_RATE', () => {
    expect(processor(0).charge('credit_card').status).toBe('completed');
    expect(processor(1).charge('paypal').status).toBe('declined');
    const outcomes = Array.from({ length: 2000 }, () => processor(0.2).charge('debit_card').status);
    const declined = outcomes.filter((s) => s === 'declined').length / outcomes.length;
    expect(declined).toBeGreaterThan(0.14);
    expect(declined).toBeLessThan(0.26);
  });

  it('gives every completed payment its own transaction id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => (processor(0).charge('bank_transfer') as { transactionId: string }).transactionId));
    expect(ids.size).toBe(100);
  });
});
