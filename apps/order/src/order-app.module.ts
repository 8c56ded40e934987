import { AuthModule, RemoteAccountStatus } from '@app/auth';
import { ServiceCoreModule } from '@app/bootstrap';
import { DatabaseModule, HealthModule } from '@app/db';
import { MetricsModule } from '@app/metrics';
import { Module } from '@nestjs/common';
import { CatalogModule } from './catalog/catalog.module';
import { ClientsModule } from './clients/clients.module';
import { orderDatabase, orderService } from './order-service';
import { OrdersModule } from './orders/orders.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';

@Module({
  imports: [
    ServiceCoreModule.forRoot({ service: orderService.name, configs: orderService.configs }),
    MetricsModule.forService(orderService.name),
    DatabaseModule.forService(orderDatabase),
    HealthModule,
    AuthModule.forRoot({ accountStatus: { imports: [ClientsModule], inject: [RemoteAccountStatus], useFactory: (accounts: RemoteAccountStatus) => accounts } }),
    CatalogModule,
    OrdersModule,
    ReconciliationModule,
  ],
})
export class OrderAppModule {}
