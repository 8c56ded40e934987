import { createServiceApp, ServiceDefinition } from '@app/bootstrap';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { TEST_CATALOG_FILE, TEST_JWT_SECRET } from './environment';
import { registerEmbeddedExecutor } from './test-database';

export interface ServiceUnderTest {
  app: NestFastifyApplication;
  url: string;
  http: TestAgent;
  close(): Promise<void>;
}

/**
 * Boots the real application in this process, built by the same function as production,
 * listening on a free port, and talks HTTP to it. Password hashing runs in-process here: the
 * worker file exists only in the build, which the spawned-process suites exercise.
 */
export async function startService(
  rootModule: Type<unknown>,
  definition: ServiceDefinition,
  env: Record<string, string | undefined>,
): Promise<ServiceUnderTest> {
  const saved = { ...process.env };
  Object.assign(
    process.env,
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_COST: '4',
      HOST: '127.0.0.1',
      PASSWORD_HASH_THREADS: '0',
      CATALOG_SEED_FILE: TEST_CATALOG_FILE,
    },
    env,
  );
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  const app = await createServiceApp(rootModule, definition);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = await app.getUrl();
  // On the embedded database only this process can read what the service wrote: through its own pool.
  const embeddedDir = process.env.DATABASE_URL ? undefined : process.env.DATA_DIR;
  if (embeddedDir) registerEmbeddedExecutor(embeddedDir, (sql, params) => app.get(DataSource).query(sql, params));
  return {
    app,
    url,
    http: request(url),
    async close() {
      if (embeddedDir) registerEmbeddedExecutor(embeddedDir, undefined);
      await app.close();
      process.env = saved;
    },
  };
}
