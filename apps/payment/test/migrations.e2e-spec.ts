import { describeMigrations } from '../../../test/support/migrations';
import { paymentDatabase } from '../src/payment-service';

describeMigrations(paymentDatabase);
