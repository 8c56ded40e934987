import { DynamicModule, Module } from '@nestjs/common';
import { ConfigFactory, ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { serviceConfig, ServiceConfig } from './config/service.config';
import { HttpErrorFilter } from './errors/http-error.filter';
import { createValidationPipe } from './errors/validation';
import { loggerOptions } from './logging/logger.options';

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
@Module({})
export class ServiceCoreModule {
  static forRoot(options: ServiceCoreOptions): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, load: [serviceConfig, ...options.configs] }),
        LoggerModule.forRootAsync({
          inject: [serviceConfig.KEY],
          useFactory: (config: ServiceConfig) => loggerOptions(options.service, config),
        }),
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
