import 'reflect-metadata';
import { bootstrapService } from '@app/bootstrap';
import { PaymentAppModule } from './payment-app.module';
import { paymentService } from './payment-service';

void bootstrapService(PaymentAppModule, paymentService);
