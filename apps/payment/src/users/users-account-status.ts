import { AuthModuleOptions, RemoteAccountStatus, ServiceTokens } from '@app/auth';
import { ServiceClient } from '@app/bootstrap';
import { ServiceCallMetrics } from '@app/metrics';
import { paymentConfig, PaymentConfig } from '../config/payment.config';

/** The payment service asks the user service whether the caller is still active, and their role. */
export const usersAccountStatus: AuthModuleOptions['accountStatus'] = {
  inject: [paymentConfig.KEY, ServiceTokens, ServiceCallMetrics],
  useFactory: (config: PaymentConfig, serviceTokens: ServiceTokens, metrics: ServiceCallMetrics) =>
    new RemoteAccountStatus(
      new ServiceClient(
        { target: 'user', baseURL: config.USER_SERVICE_URL, timeoutMs: config.USER_SERVICE_TIMEOUT_MS, retries: 1, breakerThreshold: 5, breakerHalfOpenAfterMs: 5000 },
        metrics.register('user'),
      ),
      serviceTokens,
      'payment',
    ),
};
