import { ServiceTokens } from '@app/auth';
import { ServiceClientModule, ServiceClients } from '@app/service-client';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { paymentConfig, PaymentConfig } from '../config/payment.config';
import { OrderEventsClient } from './order-events.client';
import { PaymentEvent } from './payment-event.entity';
import { PaymentEventsCleanup } from './payment-events.cleanup';
import { PaymentEventsMetrics } from './payment-events.metrics';
import { PaymentEventsRelay } from './payment-events.relay';
import { PaymentEventsRepository } from './payment-events.repository';

@Module({
  imports: [TypeOrmModule.forFeature([PaymentEvent]), ServiceClientModule],
  providers: [
    {
      provide: OrderEventsClient,
      inject: [paymentConfig.KEY, ServiceClients, ServiceTokens],
      useFactory: (config: PaymentConfig, clients: ServiceClients, tokens: ServiceTokens) =>
        new OrderEventsClient(
          // No retries here: an undelivered event stays in the outbox and the relay tries it again later.
          clients.create({ target: 'order', baseURL: config.ORDER_SERVICE_URL, timeoutMs: config.ORDER_SERVICE_TIMEOUT_MS, retries: 0 }),
          tokens,
        ),
    },
    PaymentEventsRepository,
    PaymentEventsRelay,
    PaymentEventsCleanup,
    PaymentEventsMetrics,
  ],
  exports: [PaymentEventsRelay],
})
export class PaymentEventsModule {}
