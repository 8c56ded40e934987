import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { Reconciler } from './reconciler';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationMetrics, reconciliationMetricProviders } from './reconciliation.metrics';

@Module({
  imports: [ClientsModule],
  providers: [...reconciliationMetricProviders, ReconciliationMetrics, ReconciliationRepository, Reconciler],
})
export class ReconciliationModule {}
