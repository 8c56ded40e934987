import { RemoteAccountStatus, ServiceTokens } from '@app/auth';
import { ServiceClient } from '@app/bootstrap';
import { ServiceCallMetrics } from '@app/metrics';
import { Module } from '@nestjs/common';
import { orderConfig, OrderConfig } from '../config/order.config';
import { PaymentsClient } from './payments.client';
import { UsersClient } from './users.client';

const breaker = (config: OrderConfig) => ({ retries: config.SERVICE_CALL_RETRIES, breakerThreshold: config.BREAKER_THRESHOLD, breakerHalfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS });

@Module({
  providers: [
    {
      provide: RemoteAccountStatus,
      inject: [orderConfig.KEY, ServiceCallMetrics, ServiceTokens],
      useFactory: (config: OrderConfig, metrics: ServiceCallMetrics, serviceTokens: ServiceTokens) =>
        new RemoteAccountStatus(
          new ServiceClient({ target: 'user', baseURL: config.USER_SERVICE_URL, timeoutMs: config.USER_SERVICE_TIMEOUT_MS, ...breaker(config) }, metrics.register('user')),
          serviceTokens,
          'order',
        ),
    },
    { provide: UsersClient, inject: [RemoteAccountStatus], useFactory: (accounts: RemoteAccountStatus) => new UsersClient(accounts) },
    {
      provide: PaymentsClient,
      inject: [orderConfig.KEY, ServiceCallMetrics, ServiceTokens],
      useFactory: (config: OrderConfig, metrics: ServiceCallMetrics, serviceTokens: ServiceTokens) =>
        new PaymentsClient(
          new ServiceClient(
            { target: 'payment', baseURL: config.PAYMENT_SERVICE_URL, timeoutMs: config.PAYMENT_SERVICE_TIMEOUT_MS, ...breaker(config) },
            metrics.register('payment'),
          ),
          serviceTokens,
        ),
    },
  ],
  exports: [RemoteAccountStatus, UsersClient, PaymentsClient],
})
export class ClientsModule {}
