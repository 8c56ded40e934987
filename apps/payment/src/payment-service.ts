import { authConfig } from '@app/auth';
import { ServiceDefinition } from '@app/bootstrap';
import { databaseConfig, ServiceDatabase } from '@app/db';
import { SERVICES } from '@app/contracts';
import { serviceCallsConfig } from '@app/service-client';
import { paymentConfig } from './config/payment.config';
import { CreatePayments1764190100000 } from './migrations/1764190100000-create-payments';
import { PaymentEventsDeliveredIndex1796454758458 } from './migrations/1796454758458-payment-events-delivered-index';
import { PaymentEventTraceparent1796454898597 } from './migrations/1796454898597-payment-event-traceparent';
import { PaymentEvent } from './payment-events/payment-event.entity';
import { Payment } from './payments/payment.entity';

export const paymentDatabase: ServiceDatabase = {
  service: 'payment',
  entities: [Payment, PaymentEvent],
  migrations: [CreatePayments1764190100000, PaymentEventsDeliveredIndex1796454758458, PaymentEventTraceparent1796454898597],
  migrationsDir: 'apps/payment/src/migrations',
};

export const paymentService: ServiceDefinition = {
  name: 'payment',
  defaultPort: SERVICES.payment.port,
  configs: [authConfig, databaseConfig, serviceCallsConfig, paymentConfig],
  docs: {
    prefix: SERVICES.payment.prefix,
    title: 'Payment service',
    description:
      'Simulated payments for orders: exact amounts, idempotent charges, at most one successful payment per order, and refunds the order service learns of.',
  },
};
