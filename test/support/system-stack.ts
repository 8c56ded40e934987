import { freePort } from './spawned-service';
import { TEST_CATALOG_FILE, TEST_JWT_SECRET, TEST_REDIS_URL } from './environment';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, DatabaseKind, TestDatabase } from './test-database';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStack } = require('../../scripts/stack') as typeof import('../../scripts/stack');

export interface RunningStack {
  gatewayUrl: string;
  tlsPort: number;
  stack: Awaited<ReturnType<typeof startStack>>;
  databases: Record<'user' | 'order' | 'payment', TestDatabase>;
  logs: string[];
  close(): Promise<void>;
}

export const STACK_ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };

/** The whole system as `npm start` runs it (the same stack module), on server databases, behind nginx. */
export async function startSystemStack(options: { replicas?: number; env?: Record<string, string>; database?: DatabaseKind } = {}): Promise<RunningStack> {
  const kind = options.database ?? 'server';
  // Embedded: the three services keep their files side by side in one DATA_DIR, as npm start does.
  const dataDir = kind === 'embedded' ? mkdtempSync(join(tmpdir(), 'system-embedded-')) : undefined;
  const databases = {
    user: await createTestDatabase('user', { kind, dataDir }),
    order: await createTestDatabase('order', { kind, dataDir }),
    payment: await createTestDatabase('payment', { kind, dataDir }),
  };
  const [gatewayPort, tlsPort, statusPort, userPort, orderPort, paymentPort] = await Promise.all(Array.from({ length: 6 }, freePort));
  const logs: string[] = [];
  const stack = await startStack({
    replicas: options.replicas ?? 1,
    dir: `${__dirname}/../../.run/system-${gatewayPort}`,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_COST: '4',
      REDIS_URL: TEST_REDIS_URL,
      ADMIN_EMAIL: STACK_ADMIN.email,
      ADMIN_PASSWORD: STACK_ADMIN.password,
      ...(dataDir
        ? { DATA_DIR: dataDir }
        : { USER_DATABASE_URL: databases.user.url, ORDER_DATABASE_URL: databases.order.url, PAYMENT_DATABASE_URL: databases.payment.url }),
      USER_PORT: String(userPort),
      ORDER_PORT: String(orderPort),
      PAYMENT_PORT: String(paymentPort),
      GATEWAY_PORT: String(gatewayPort),
      GATEWAY_TLS_PORT: String(tlsPort),
      GATEWAY_STATUS_PORT: String(statusPort),
      // The suite sends far more than one person would: limits are proven on a second gateway.
      GATEWAY_RATE_LIMIT: '10000r/s',
      GATEWAY_RATE_BURST: '10000',
      GATEWAY_LOGIN_RATE_LIMIT: '10000r/s',
      GATEWAY_LOGIN_RATE_BURST: '10000',
      GATEWAY_CONN_LIMIT: '10000',
      PAYMENT_EVENTS_POLL_MS: '200',
      CATALOG_SEED_FILE: TEST_CATALOG_FILE,
      ...options.env,
    },
    log: (label: string, line: string) => logs.push(`[${label}] ${line}`),
  }).catch(async (error: Error) => {
    await Promise.all(Object.values(databases).map((db) => db.drop()));
    throw error;
  });
  if (!stack.gateway) throw new Error('nginx is required for the system tests (apt-get install nginx)');
  return {
    gatewayUrl: stack.gateway.url,
    tlsPort,
    stack,
    databases,
    logs,
    async close() {
      await stack.stop();
      await Promise.all(Object.values(databases).map((db) => db.drop()));
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
