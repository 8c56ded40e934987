import { startService, ServiceUnderTest } from './service-under-test';
import { freePort, spawnService, SpawnedService } from './spawned-service';
import { createTestDatabase, TestDatabase } from './test-database';
import { OrderAppModule } from '../../apps/order/src/order-app.module';
import { orderService } from '../../apps/order/src/order-service';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

export interface PaymentView {
  id: string;
  order_id: string;
  user_id: string;
  amount: number;
  status: 'completed' | 'declined' | 'refunded';
}

export interface CheckoutSystem {
  order: ServiceUnderTest;
  user: SpawnedService;
  payment: SpawnedService | undefined;
  databases: { order: TestDatabase; user: TestDatabase; payment: TestDatabase };
  paymentPort: number;
  startPayment(): Promise<SpawnedService>;
  /** The order's payments as its buyer sees them through the payment service's API (both databases). */
  paymentsOf(orderId: string, accessToken: string): Promise<PaymentView[]>;
  close(): Promise<void>;
}

/**
 * The order service in this process, the real user and payment services as their own
 * processes, each on its own database.
 */
export async function startCheckoutSystem(options: { orderEnv?: Record<string, string>; withPayment?: boolean } = {}): Promise<CheckoutSystem> {
  const databases = { order: await createTestDatabase('order'), user: await createTestDatabase('user'), payment: await createTestDatabase('payment') };
  const user = await spawnService('user', { ...databases.user.env, BCRYPT_COST: '4', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  const paymentPort = await freePort();
  const order = await startService(OrderAppModule, orderService, {
    ...databases.order.env,
    USER_SERVICE_URL: user.url,
    PAYMENT_SERVICE_URL: `http://127.0.0.1:${paymentPort}`,
    ...options.orderEnv,
  });
  const system: CheckoutSystem = {
    order,
    user,
    payment: undefined,
    databases,
    paymentPort,
    async startPayment() {
      system.payment = await spawnService('payment', {
        ...databases.payment.env,
        PORT: String(paymentPort),
        ORDER_SERVICE_URL: order.url,
        USER_SERVICE_URL: user.url,
        PAYMENT_EVENTS_POLL_MS: '100',
      });
      return system.payment;
    },
    async paymentsOf(orderId, accessToken) {
      const response = await fetch(`${system.payment!.url}/payments?order_id=${orderId}&limit=100`, { headers: { authorization: `Bearer ${accessToken}` } });
      if (response.status !== 200) throw new Error(`GET /payments answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as PaymentView[];
    },
    async close() {
      await order.close();
      await Promise.all([user.stop(), system.payment?.stop()]);
      await Promise.all(Object.values(databases).map((db) => db.drop()));
    },
  };
  if (options.withPayment !== false) await system.startPayment();
  return system;
}
