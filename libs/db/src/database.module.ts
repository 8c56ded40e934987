import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig, DatabaseConfig } from './database.config';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedPostgres } from './embedded/embedded-postgres';
import { DatabasePoolMetrics } from './pool-metrics';
import { ServiceDatabase } from './service-database';

const EMBEDDED_POSTGRES = Symbol('EmbeddedPostgres');

/** Owns the embedded database, when there is one, so that it stops after the pool is closed. */
@Module({})
class EmbeddedPostgresModule implements OnApplicationShutdown {
  constructor(@Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | null) {}

  static forService(service: string): DynamicModule {
    return {
      module: EmbeddedPostgresModule,
      providers: [
        {
          provide: EMBEDDED_POSTGRES,
          inject: [databaseConfig.KEY],
          useFactory: (config: DatabaseConfig) => (config.DATABASE_URL ? null : EmbeddedPostgres.forService(config.DATA_DIR, service)),
        },
      ],
      exports: [EMBEDDED_POSTGRES],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}

@Module({})
export class DatabaseModule {
  static forService(definition: ServiceDatabase): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: [EmbeddedPostgresModule.forService(definition.service)],
          inject: [databaseConfig.KEY, EMBEDDED_POSTGRES],
          useFactory: async (config: DatabaseConfig, embedded: EmbeddedPostgres | null) => {
            const url = config.DATABASE_URL ?? (await embedded!.start());
            if (embedded) new Logger('Database').log(`Using the embedded PostgreSQL (PGlite) in ${embedded.dataDir}; set DATABASE_URL for a server`);
            return { ...dataSourceOptions(definition, config, url, !!embedded), retryAttempts: 3, retryDelay: 1000 };
          },
        }),
        TypeOrmModule.forFeature(definition.entities),
      ],
      providers: [DatabasePoolMetrics],
      exports: [TypeOrmModule],
    };
  }
}
