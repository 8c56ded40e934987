import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';
import { HttpMetrics, httpMetricProviders } from './http-metrics';
import { MetricsController } from './metrics.controller';

/**
 * Prometheus metrics at `GET /metrics` on the service itself, outside its public prefix, and the RED
 * metrics every service records. A service's own business metrics are providers of its own modules.
 */
@Global()
@Module({})
export class MetricsModule implements OnApplicationShutdown {
  static forService(service: string): DynamicModule {
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
      providers: [...httpMetricProviders, HttpMetrics],
      exports: [PrometheusModule, HttpMetrics],
    };
  }

  /** prom-client keeps one global registry: clear it so an app can be built again in the same process. */
  onApplicationShutdown(): void {
    register.clear();
  }
}
