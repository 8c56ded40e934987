import { AuthModuleOptions, RemoteAccountStatus, ServiceTokens } from '@app/auth';
import { ServiceClientModule, ServiceClients } from '@app/service-client';
import { paymentConfig, PaymentConfig } from '../config/payment.config';

/** The payment service asks the user service whether the caller is still active, and their role. */
export const usersAccountStatus: AuthModuleOptions['accountStatus'] = {
  imports: [ServiceClientModule],
  inject: [paymentConfig.KEY, ServiceTokens, ServiceClients],
  useFactory: (config: PaymentConfig, serviceTokens: ServiceTokens, clients: ServiceClients) =>
    new RemoteAccountStatus(
      clients.create({ target: 'user', baseURL: config.USER_SERVICE_URL, timeoutMs: config.USER_SERVICE_TIMEOUT_MS }),
      serviceTokens,
      'payment',
    ),
};
