import { describeServedContract } from '../../../test/support/served-contract';
import { OrderAppModule } from '../src/order-app.module';
import { orderService } from '../src/order-service';

describeServedContract(OrderAppModule, orderService);
