#!/usr/bin/env node
// `node bench/cpu.js` (after `npm run build`): the CPU each service uses, idle and under a fixed,
// modest request rate through the gateway, read from /proc for the service's own process. The
// numbers behind the CPU requests in deploy/k8s/base: the HorizontalPodAutoscaler divides a pod's
// use by its request, so a request far from the real use scales too early or too late.
'use strict';
const autocannon = require('autocannon');
const { randomBytes } = require('node:crypto');
const { readFileSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { startStack } = require('../scripts/stack');
const { createServer } = require('node:net');
const { freshDatabase, json } = require('./fixtures');

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const RATE = Number(process.env.CPU_RATE ?? 50);
const SECONDS = Number(process.env.CPU_SECONDS ?? 15);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TICKS = 100; // USER_HZ on Linux

const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
};

/**
 * bench/catalog.json's products, added by an admin: in production the order service seeds no
 * catalog (CATALOG_SEED=demo, and so CATALOG_SEED_FILE, is refused there), as in a real shop.
 */
async function addCatalog(base, admin) {
  const token = (await json(base, 'POST', '/users/login', admin)).access_token;
  for (const product of JSON.parse(readFileSync(join(__dirname, 'catalog.json'), 'utf8'))) await json(base, 'POST', '/orders/products', product, token);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cpu-'));
  const suffix = randomBytes(3).toString('hex');
  const ports = {};
  for (const name of ['GATEWAY_PORT', 'GATEWAY_TLS_PORT', 'GATEWAY_STATUS_PORT', 'USER_PORT', 'ORDER_PORT', 'PAYMENT_PORT'])
    ports[name] = String(await freePort());
  const admin = { email: `cpu-admin-${suffix}@example.com`, password: randomBytes(18).toString('base64url') };
  const env = {
    ...ports,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    GATEWAY_ACCESS_LOG: '/dev/null',
    JWT_SECRET: randomBytes(48).toString('base64url'),
    BCRYPT_COST: '10',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/3',
    USER_DATABASE_URL: await freshDatabase(ADMIN_URL, `cpu_${suffix}_users`),
    ORDER_DATABASE_URL: await freshDatabase(ADMIN_URL, `cpu_${suffix}_orders`),
    PAYMENT_DATABASE_URL: await freshDatabase(ADMIN_URL, `cpu_${suffix}_payments`),
    GATEWAY_RATE_LIMIT_ENABLED: 'off',
    PAYMENT_DECLINE_RATE: '0',
  };
  const stack = await startStack({ env, dir: join(dir, 'stack'), logDir: join(dir, 'logs') });
  const base = stack.gateway.url;
  const pidOf = (app) => stack.children.find((child) => child.spawnargs.some((arg) => arg.includes(`apps/${app}/`))).pid;
  try {
    await addCatalog(base, admin);
    const password = 'cpu-measure-password-1';
    const me = await json(base, 'POST', '/users', { email: `cpu-${suffix}@example.com`, username: `cpu_${suffix}`, password });
    const token = (await json(base, 'POST', '/users/login', { username: me.username, password })).access_token;
    for (let i = 0; i < 20; i++) await json(base, 'POST', '/orders', { items: [{ sku: 'BENCH-SEED', quantity: 1 }], payment_method: 'test_success' }, token);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // What one pod of each serves in a typical minute: reads of the profile, the order list and
    // the payments, and a checkout (order + payment + user check) now and then.
    const loads = {
      user: { url: `${base}/users/me`, headers },
      order: { url: `${base}/orders?limit=20`, headers },
      payment: { url: `${base}/payments?limit=20`, headers },
      checkout: {
        url: `${base}/orders`,
        method: 'POST',
        headers,
        body: JSON.stringify({ items: [{ sku: 'BENCH-KB', quantity: 1 }], payment_method: 'test_success' }),
      },
    };
    const apps = ['user', 'order', 'payment'];
    const sample = async (seconds, work) => {
      const before = Object.fromEntries(apps.map((app) => [app, cpuSeconds(pidOf(app))]));
      const started = Date.now();
      const result = await Promise.all([work ? work() : undefined, new Promise((r) => setTimeout(r, seconds * 1000))]);
      const elapsed = (Date.now() - started) / 1000;
      return {
        result: result[0],
        millicores: Object.fromEntries(apps.map((app) => [app, Math.round(((cpuSeconds(pidOf(app)) - before[app]) / elapsed) * 1000)])),
      };
    };
    await new Promise((r) => setTimeout(r, 3000));
    const report = { rate: RATE, seconds: SECONDS, idle: (await sample(10)).millicores };
    for (const [name, options] of Object.entries(loads)) {
      const { result, millicores } = await sample(SECONDS, () =>
        autocannon({ ...options, connections: 10, overallRate: name === 'checkout' ? RATE / 5 : RATE, duration: SECONDS }),
      );
      report[name] = { requests: result.requests.total, non2xx: result.non2xx, errors: result.errors, millicores };
    }
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    for (const db of ['users', 'orders', 'payments']) await client.query(`DROP DATABASE IF EXISTS cpu_${suffix}_${db} WITH (FORCE)`);
    await client.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
