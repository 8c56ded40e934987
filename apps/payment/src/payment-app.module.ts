import { AuthModule } from '@app/auth';
import { ServiceCoreModule } from '@app/bootstrap';
import { DatabaseModule, HealthModule } from '@app/db';
import { MetricsModule } from '@app/metrics';
import { Module } from '@nestjs/common';
import { paymentDatabase, paymentService } from './payment-service';
import { PaymentsModule } from './payments/payments.module';
import { usersAccountStatus } from './users/users-account-status';

@Module({
  imports: [
    ServiceCoreModule.forRoot({ service: paymentService.name, configs: paymentService.configs }),
    MetricsModule.forService(paymentService.name),
    DatabaseModule.forService(paymentDatabase),
    HealthModule,
    AuthModule.forRoot({ accountStatus: usersAccountStatus }),
    PaymentsModule,
  ],
})
export class PaymentAppModule {}
