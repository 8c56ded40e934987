import { Inject, Injectable, Module } from '@nestjs/common';
import { ServiceCallMetrics, serviceCallMetricProviders } from './service-call.metrics';
import { serviceCallsConfig, ServiceCallsConfig } from './service-calls.config';
import { ServiceClient } from './service-client';

export interface ServiceTarget {
  /** The other service's name, for errors and metrics. */
  target: string;
  baseURL: string;
  timeoutMs: number;
  /** Extra attempts for idempotent calls; SERVICE_CALL_RETRIES unless the caller has a retry of its own (an outbox). */
  retries?: number;
}

/** Builds every client to another service the same way: retries and breaker from config, calls and breaker state in metrics. */
@Injectable()
export class ServiceClients {
  constructor(
    @Inject(serviceCallsConfig.KEY) private readonly config: ServiceCallsConfig,
    private readonly metrics: ServiceCallMetrics,
  ) {}

  create({ target, baseURL, timeoutMs, retries }: ServiceTarget): ServiceClient {
    return new ServiceClient(
      {
        target,
        baseURL,
        timeoutMs,
        retries: retries ?? this.config.SERVICE_CALL_RETRIES,
        breakerThreshold: this.config.BREAKER_THRESHOLD,
        breakerHalfOpenAfterMs: this.config.BREAKER_HALF_OPEN_AFTER_MS,
      },
      this.metrics.register(target),
    );
  }
}

/** Import where a client to another service is built; the service lists serviceCallsConfig among its configs. */
@Module({
  providers: [...serviceCallMetricProviders, ServiceCallMetrics, ServiceClients],
  exports: [ServiceClients],
})
export class ServiceClientModule {}
