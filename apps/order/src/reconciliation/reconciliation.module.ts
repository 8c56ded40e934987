import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { OrderMetricsModule } from '../orders/order.metrics';
import { Reconciler } from './reconciler';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationMetrics, reconciliationMetricProviders } from './reconciliation.metrics';

@Module({
  imports: [ClientsModule, OrderMetricsModule],
  providers: [...reconciliationMetricProviders, ReconciliationMetrics, ReconciliationRepository, Reconciler],
})
export class ReconciliationModule {}
