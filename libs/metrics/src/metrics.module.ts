import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import {
  OrderMetrics,
  orderMetricProviders,
  PasswordHashMetrics,
  passwordHashMetricProviders,
  PaymentMetrics,
  paymentMetricProviders,
  ServiceCallMetrics,
  serviceCallMetricProviders,
} from './business-metrics';
import { HttpMetrics, httpMetricProviders } from './http-metrics';
import { MetricsController } from './metrics.controller';

/** Prometheus metrics at `GET /metrics` on the service itself, outside its public prefix. */
@Global()
@Module({})
export class MetricsModule implements OnApplicationShutdown {
  /** `features` adds the business metrics a service records: its orders, payments, calls to others, or password hashing. */
  static forService(service: string, features: ('orders' | 'payments' | 'service-calls' | 'passwords')[] = []): DynamicModule {
    const business = [
      ...(features.includes('orders') ? [...orderMetricProviders, OrderMetrics] : []),
      ...(features.includes('payments') ? [...paymentMetricProviders, PaymentMetrics] : []),
      ...(features.includes('service-calls') ? [...serviceCallMetricProviders, ServiceCallMetrics] : []),
      ...(features.includes('passwords') ? [...passwordHashMetricProviders, PasswordHashMetrics] : []),
    ];
    return {
      module: MetricsModule,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          controller: MetricsController,
          defaultLabels: { service },
          defaultMetrics: { enabled: true },
        }),
      ],
      providers: [...httpMetricProviders, HttpMetrics, ...business],
      exports: [PrometheusModule, HttpMetrics, ...business],
    };
  }

  /** prom-client keeps one global registry: clear it so an app can be built again in the same process. */
  onApplicationShutdown(): void {
    register.clear();
  }
}
