import { describeServedContract } from '../../../test/support/served-contract';
import { PaymentAppModule } from '../src/payment-app.module';
import { paymentService } from '../src/payment-service';

describeServedContract(PaymentAppModule, paymentService);
