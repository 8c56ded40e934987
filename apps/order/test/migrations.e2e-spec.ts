import { describeMigrations } from '../../../test/support/migrations';
import { orderDatabase } from '../src/order-service';

describeMigrations(orderDatabase);
