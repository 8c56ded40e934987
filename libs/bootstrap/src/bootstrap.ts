import type { Type } from '@nestjs/common';
import type { ConfigFactory } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpMetrics } from '@app/metrics';
import { flushTracing } from '@app/tracing';
import { existsSync } from 'node:fs';
import { Logger } from 'nestjs-pino';
import { ConfigError, serviceConfig } from '@app/config';
import { createFastifyAdapter, installFastifyHooks } from '@app/http';
import { ApiDocsOptions, ApiDocuments, buildApiDocuments, setupApiDocs } from '@app/openapi';
import { installAccessLog } from './access-log';
import { SERVICE_LOGGER } from './logger.options';

export interface ServiceDefinition {
  name: string;
  defaultPort: number;
  /** The config namespaces of the service, checked before anything starts. */
  configs: ConfigFactory[];
  docs: ApiDocsOptions;
}

/** Builds the application exactly as production runs it, without listening: e2e tests use this too. */
export async function createServiceApp(rootModule: Type<unknown>, definition: ServiceDefinition): Promise<NestFastifyApplication> {
  const config = serviceConfig();
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule,
    createFastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES, trustedProxies: config.TRUSTED_PROXIES }),
    {
      bufferLogs: true,
      abortOnError: false,
      // Fastify's own JSON parser (installed with our checks) only: Nest would add a form-body parser.
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.flushLogs();
  const fastify = app.getHttpAdapter().getInstance();
  installFastifyHooks(fastify);
  installAccessLog(fastify, app.get(SERVICE_LOGGER));
  app.get(HttpMetrics).install(fastify);
  routeUnderPrefix(app, definition);
  setupApiDocs(app, definition.docs);
  return app;
}

/** Every route under the service's prefix, exactly as behind the gateway; `/metrics` stays outside it. */
function routeUnderPrefix(app: NestFastifyApplication, definition: ServiceDefinition): void {
  app.setGlobalPrefix(definition.docs.prefix, { exclude: ['metrics'] });
}

/**
 * The service's OpenAPI documents without starting it: Nest's preview mode registers the routes
 * but creates no provider, so no config, database or port is needed. The e2e suite of the
 * contracts checks that the served document is the same.
 */
export async function describeService(rootModule: Type<unknown>, definition: ServiceDefinition): Promise<ApiDocuments> {
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    routeUnderPrefix(app, definition);
    return buildApiDocuments(app, definition.docs);
  } finally {
    await app.close();
  }
}

/** Loads `.env` when present and checks every config namespace, so a bad variable stops the start with one line. */
export function loadAndCheckConfig(configs: ConfigFactory[]): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
  for (const load of [serviceConfig, ...configs]) {
    // Nest's ConfigFactory may return a promise; ours validate synchronously, so that the error is thrown here.
    if (load() instanceof Promise) throw new Error('a config factory returned a promise: validate the environment synchronously');
  }
}

export async function bootstrapService(rootModule: Type<unknown>, definition: ServiceDefinition): Promise<void> {
  try {
    loadAndCheckConfig(definition.configs);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${definition.name}: ${error.message}\n`);
    process.exit(1);
  }
  const config = serviceConfig();
  const app = await createServiceApp(rootModule, definition);
  closeGracefullyOnSignals(app);
  await app.listen({ port: config.PORT ?? definition.defaultPort, host: config.HOST });
  app.get(Logger).log(`${definition.name} service listening on ${await app.getUrl()}/${definition.docs.prefix}/docs`, 'Bootstrap');
}

/**
 * SIGTERM/SIGINT: readiness turns 503, the listener stops taking connections, in-flight requests
 * finish, pools close, and the process exits 0. (Nest's own hooks re-raise the signal, exiting 143.)
 */
function closeGracefullyOnSignals(app: NestFastifyApplication): void {
  const logger = app.get(Logger);
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining and shutting down`, 'Bootstrap');
    app
      .close()
      .then(flushTracing)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`Shutdown failed: ${(error as Error).message}`, 'Bootstrap');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
