import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceConfig, ServiceConfig } from '@app/config';

/**
 * On SIGTERM readiness turns 503 first, and the service keeps serving for SHUTDOWN_DELAY_MS
 * so that a load balancer stops sending before the listener closes.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  draining = false;

  constructor(@Inject(serviceConfig.KEY) private readonly config: ServiceConfig) {}

  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    if (this.config.SHUTDOWN_DELAY_MS > 0) await sleep(this.config.SHUTDOWN_DELAY_MS);
  }
}
