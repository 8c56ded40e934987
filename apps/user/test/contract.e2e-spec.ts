import { describeServedContract } from '../../../test/support/served-contract';
import { UserAppModule } from '../src/user-app.module';
import { userService } from '../src/user-service';

describeServedContract(UserAppModule, userService);
