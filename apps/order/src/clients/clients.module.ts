import { RemoteAccountStatus, remoteAccountStatusProvider, ServiceTokens } from '@app/auth';
import { ServiceClientModule, ServiceClients } from '@app/service-client';
import { Module } from '@nestjs/common';
import { orderConfig, OrderConfig } from '../config/order.config';
import { PaymentsClient } from './payments.client';

@Module({
  imports: [ServiceClientModule],
  providers: [
    { provide: RemoteAccountStatus, ...remoteAccountStatusProvider(orderConfig.KEY, 'order') },
    {
      provide: PaymentsClient,
      inject: [orderConfig.KEY, ServiceClients, ServiceTokens],
      useFactory: (config: OrderConfig, clients: ServiceClients, serviceTokens: ServiceTokens) =>
        new PaymentsClient(
          clients.create({ target: 'payment', baseURL: config.PAYMENT_SERVICE_URL, timeoutMs: config.PAYMENT_SERVICE_TIMEOUT_MS }),
          serviceTokens,
        ),
    },
  ],
  exports: [RemoteAccountStatus, PaymentsClient],
})
export class ClientsModule {}
