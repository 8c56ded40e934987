import { startService, ServiceUnderTest } from '../../../../test/support/service-under-test';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database';
import { PaymentAppModule } from '../../src/payment-app.module';
import { paymentService } from '../../src/payment-service';
import { startFakeUserService, FakeUserService } from './fake-user-service';

export interface PaymentUnderTest {
  svc: ServiceUnderTest;
  db: TestDatabase;
  users: FakeUserService;
  close(): Promise<void>;
}

/**
 * The payment service on a database of its own, the user service a fake that knows every payer.
 * Unless `env` says otherwise the order service is unreachable (nothing listens on port 9): a suite
 * that refunds nothing gives the event relay nothing to send.
 */
export async function startPaymentUnderTest(env: Record<string, string> = {}): Promise<PaymentUnderTest> {
  const users = await startFakeUserService();
  const db = await createTestDatabase('payment');
  const svc = await startService(PaymentAppModule, paymentService, {
    ...db.env,
    ORDER_SERVICE_URL: 'http://127.0.0.1:9',
    USER_SERVICE_URL: users.url,
    PAYMENT_EVENTS_POLL_MS: '100',
    ...env,
  });
  return {
    svc,
    db,
    users,
    close: async () => {
      await svc.close();
      await users.close();
      await db.drop();
    },
  };
}
