import { describeMigrations } from '../../../test/support/migrations';
import { userDatabase } from '../src/user-service';

describeMigrations(userDatabase);
