import { DynamicModule, Module } from '@nestjs/common';
import { ConfigFactory, ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { serviceConfig, ServiceConfig } from '@app/config';
import { createValidationPipe, HttpErrorFilter } from '@app/errors';
import { createServiceLogger, nestLoggerParams, SERVICE_LOGGER } from './logger.options';

export interface ServiceCoreOptions {
  /** Service name, used in logs and metrics. */
  service: string;
  /** Every config namespace the service reads; each validates itself. */
  configs: ConfigFactory[];
}

/**
 * What every service shares: validated config, the request logger, and the global
 * validation pipe and error filter (as providers, so e2e tests get them too).
 */
/** The service logger, one instance shared by nestjs-pino and the access log. */
@Module({})
class ServiceLoggerModule {
  static forService(service: string): DynamicModule {
    const logger = { provide: SERVICE_LOGGER, inject: [serviceConfig.KEY], useFactory: (config: ServiceConfig) => createServiceLogger(service, config) };
    return { module: ServiceLoggerModule, providers: [logger], exports: [logger] };
  }
}

@Module({})
export class ServiceCoreModule {
  static forRoot(options: ServiceCoreOptions): DynamicModule {
    const logging = ServiceLoggerModule.forService(options.service);
    return {
      module: ServiceCoreModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, load: [serviceConfig, ...options.configs] }),
        logging,
        LoggerModule.forRootAsync({ imports: [logging], inject: [SERVICE_LOGGER], useFactory: nestLoggerParams }),
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
      exports: [logging],
    };
  }
}
