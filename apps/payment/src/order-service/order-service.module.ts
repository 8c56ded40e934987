import { ServiceTokens } from '@app/auth';
import { ServiceClientModule, ServiceClients } from '@app/service-client';
import { Module } from '@nestjs/common';
import { paymentConfig, PaymentConfig } from '../config/payment.config';
import { OrderServiceClient } from './order-service.client';

@Module({
  imports: [ServiceClientModule],
  providers: [
    {
      provide: OrderServiceClient,
      inject: [paymentConfig.KEY, ServiceClients, ServiceTokens],
      useFactory: (config: PaymentConfig, clients: ServiceClients, tokens: ServiceTokens) =>
        new OrderServiceClient(clients.create({ target: 'order', baseURL: config.ORDER_SERVICE_URL, timeoutMs: config.ORDER_SERVICE_TIMEOUT_MS }), tokens),
    },
  ],
  exports: [OrderServiceClient],
})
export class OrderServiceModule {}
