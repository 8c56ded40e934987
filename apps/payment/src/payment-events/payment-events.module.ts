import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderEventsClient } from './order-events.client';
import { PaymentEvent } from './payment-event.entity';
import { PaymentEventsRelay } from './payment-events.relay';
import { PaymentEventsRepository } from './payment-events.repository';

@Module({
  imports: [TypeOrmModule.forFeature([PaymentEvent])],
  providers: [PaymentEventsRepository, OrderEventsClient, PaymentEventsRelay],
  exports: [PaymentEventsRelay],
})
export class PaymentEventsModule {}
