import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PaymentEventsModule } from '../payment-events/payment-events.module';
import { Payment } from './payment.entity';
import { PaymentProcessor } from './payment-processor';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

@Module({
  imports: [TypeOrmModule.forFeature([Payment]), PaymentEventsModule],
  controllers: [PaymentsController],
  providers: [PaymentsRepository, PaymentsService, PaymentProcessor],
})
export class PaymentsModule {}
