import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderServiceModule } from '../order-service/order-service.module';
import { PaymentEventsModule } from '../payment-events/payment-events.module';
import { InternalPaymentsController } from './internal-payments.controller';
import { OrderServiceToken } from './order-service-token';
import { Payment } from './payment.entity';
import { PaymentMetrics, paymentMetricProviders } from './payment.metrics';
import { PaymentProcessor } from './payment-processor';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

@Module({
  imports: [TypeOrmModule.forFeature([Payment]), PaymentEventsModule, OrderServiceModule],
  controllers: [InternalPaymentsController, PaymentsController],
  providers: [...paymentMetricProviders, PaymentMetrics, PaymentsRepository, PaymentsService, PaymentProcessor, OrderServiceToken],
})
export class PaymentsModule {}
