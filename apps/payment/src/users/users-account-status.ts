import { AuthModuleOptions, remoteAccountStatusProvider } from '@app/auth';
import { ServiceClientModule } from '@app/service-client';
import { paymentConfig } from '../config/payment.config';

/** The payment service asks the user service whether the caller is still active, and their role. */
export const usersAccountStatus: AuthModuleOptions['accountStatus'] = {
  imports: [ServiceClientModule],
  ...remoteAccountStatusProvider(paymentConfig.KEY, 'payment'),
};
