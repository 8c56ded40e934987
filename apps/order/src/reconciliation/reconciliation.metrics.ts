import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { FINDING_KINDS, FindingKind } from './order-payment-agreement';

const FINDINGS = 'order_reconciliation_findings_total';

export const reconciliationMetricProviders = [
  makeCounterProvider({
    name: FINDINGS,
    help: 'Disagreements between orders and their payments the reconciler found and repaired, by kind',
    labelNames: ['kind'],
  }),
];

@Injectable()
export class ReconciliationMetrics {
  constructor(@InjectMetric(FINDINGS) private readonly findings: Counter<string>) {
    // Every series exists from the start, so an alert on increase() sees the first finding too.
    for (const kind of FINDING_KINDS) findings.inc({ kind }, 0);
  }

  found(kind: FindingKind): void {
    this.findings.inc({ kind });
  }
}
