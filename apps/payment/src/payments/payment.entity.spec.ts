import { ConflictError } from '@app/errors';
import { Payment, PaymentStatus } from './payment.entity';

const withStatus = (status: PaymentStatus) => Object.assign(new Payment(), { status });

describe('Payment', () => {
  it('may be refunded only while completed', () => {
    expect(() => withStatus('completed').assertRefundable()).not.toThrow();
    for (const status of ['declined', 'refunded'] as const) {
      expect(() => withStatus(status).assertRefundable()).toThrow(ConflictError);
      expect(() => withStatus(status).assertRefundable()).toThrow(`The payment is ${status}`);
    }
  });
});
