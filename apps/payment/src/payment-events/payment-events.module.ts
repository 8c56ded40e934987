import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderEventsClient } from './order-events.client';
import { PaymentEvent } from './payment-event.entity';
import { PaymentEventsCleanup } from './payment-events.cleanup';
import { PaymentEventsMetrics } from './payment-events.metrics';
import { PaymentEventsRelay } from './payment-events.relay';
import { PaymentEventsRepository } from './payment-events.repository';

@Module({
  imports: [TypeOrmModule.forFeature([PaymentEvent])],
  providers: [PaymentEventsRepository, OrderEventsClient, PaymentEventsRelay, PaymentEventsCleanup, PaymentEventsMetrics],
  exports: [PaymentEventsRelay],
})
export class PaymentEventsModule {}
