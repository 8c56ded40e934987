#!/usr/bin/env node
// `npm run bench`: drives the gateway with autocannon, scenario by scenario, against a stack it
// starts itself (real PostgreSQL, real nginx with rate limits off, production build and settings),
// unless --gateway URL points at a running one. Writes bench/results/<timestamp>.{json,md}.
'use strict';
const autocannon = require('autocannon');
const bcrypt = require('bcryptjs');
const { execSync, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdirSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { availableParallelism, cpus } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { startStack, renderGateway, gatewayVariables, findNginx } = require('../scripts/stack');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const DURATION = Number(flag('duration', 10));
const WARMUP = Number(flag('warmup', 3));
const CONNECTIONS = Number(flag('connections', 64));
const REPLICAS = Number(flag('replicas', 1));
const ONLY = flag('only', undefined)?.split(',');
const EXTERNAL_GATEWAY = flag('gateway', undefined);
const PROBE_RATE = Number(flag('probe-rate', 200));
// --tracing: the services export every trace over OTLP to a sink in this process, so a run with it
// and one without give the cost of tracing (without it the OpenTelemetry SDK is not even loaded).
const TRACING = args.includes('--tracing');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = join(__dirname, '..');

function log(message) {
  process.stdout.write(`${message}\n`);
}

async function admin(sql) {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** An OTLP/HTTP receiver that accepts and drops every export, counting the bytes it was sent. */
function startTraceSink() {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk) => (bytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, bytes: () => bytes, server })));
}

async function freshDatabase(name) {
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function json(base, method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function run(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ timeout: 10, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

function summarise(name, result, extra = {}) {
  return {
    scenario: name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
    ...extra,
  };
}

async function scenario(name, options, extra) {
  if (ONLY && !ONLY.some((o) => name.startsWith(o))) return undefined;
  log(`\n▶ ${name}`);
  if (WARMUP > 0) await run({ ...options, duration: WARMUP });
  const result = summarise(name, await run({ connections: CONNECTIONS, duration: DURATION, ...options }), extra);
  log(`  ${result.requestsPerSecond} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}`);
  return result;
}

/** The ceiling: a bare Node.js server behind the same nginx configuration, in the same run. */
async function startCeiling(dir) {
  const body = JSON.stringify({ id: '6f1c2f5e-8a4b-4c7e-9a59-2f4f7d1f0b6a', email: 'bench@example.com', username: 'bench' });
  const bare = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  bare.keepAliveTimeout = 65_000;
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  const upstream = `server 127.0.0.1:${bare.address().port};`;
  const port = 18080 + Math.floor(Math.random() * 1000);
  const variables = gatewayVariables(
    { GATEWAY_PORT: String(port), GATEWAY_TLS_PORT: String(port + 1000), GATEWAY_STATUS_PORT: String(port + 2000), GATEWAY_RATE_LIMIT_ENABLED: 'off' },
    { user: upstream, order: upstream, payment: upstream },
    dir,
  );
  const nginx = spawn(findNginx(), ['-c', renderGateway(dir, variables), '-p', dir, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => (nginx.kill('SIGQUIT'), bare.close()) };
}

function measureBcrypt(cost, seconds = 3) {
  const hash = bcrypt.hashSync('benchmark-password', cost);
  const deadline = Date.now() + seconds * 1000;
  let count = 0;
  while (Date.now() < deadline) {
    bcrypt.compareSync('benchmark-password', hash);
    count++;
  }
  return count / seconds;
}

async function waitRecovered(base, token, startedAt) {
  for (;;) {
    const ok = await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${token}` } }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return Date.now() - startedAt;
    if (Date.now() - startedAt > 30_000) return Infinity;
    await new Promise((r) => setTimeout(r, 50));
  }
}

(async () => {
  const dir = join(ROOT, '.run', 'bench');
  mkdirSync(dir, { recursive: true });
  let stack;
  let base = EXTERNAL_GATEWAY;
  const databases = [];
  if (!base) {
    log('Starting the stack (production build, PostgreSQL, nginx without rate limits)…');
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      BCRYPT_COST: process.env.BCRYPT_COST ?? '10',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/2',
      USER_DATABASE_URL: await freshDatabase('bench_users'),
      ORDER_DATABASE_URL: await freshDatabase('bench_orders'),
      PAYMENT_DATABASE_URL: await freshDatabase('bench_payments'),
      GATEWAY_RATE_LIMIT_ENABLED: 'off',
      // Every replica has its own pool: together they must stay under PostgreSQL's max_connections (100).
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? String(Math.floor(20 / REPLICAS)),
    };
    databases.push(env.USER_DATABASE_URL, env.ORDER_DATABASE_URL, env.PAYMENT_DATABASE_URL);
    if (TRACING) {
      const sink = await startTraceSink();
      env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url;
      log(`  tracing on: spans exported over OTLP to ${sink.url}`);
    }
    stack = await startStack({ replicas: REPLICAS, env, dir: join(dir, 'stack'), logDir: join(dir, 'logs'), progress: (m) => log(`  ${m}`) });
    base = stack.gateway.url;
  }
  const cost = Number(process.env.BCRYPT_COST ?? 10);
  const results = [];
  const record = (r) => r && results.push(r);
  try {
    log('Seeding…');
    const password = 'benchmark-password-1';
    const me = await json(base, 'POST', '/users', { email: `bench-${Date.now()}@example.com`, username: `bench_${Date.now()}`, password });
    const token = (await json(base, 'POST', '/users/login', { username: me.username, password })).access_token;
    const lister = await json(base, 'POST', '/users', { email: `list-${Date.now()}@example.com`, username: `list_${Date.now()}`, password });
    const listToken = (await json(base, 'POST', '/users/login', { username: lister.username, password })).access_token;
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, () =>
          json(base, 'POST', '/orders', { items: [{ product_name: 'Seed', quantity: 1, unit_price: 9.99 }], payment_method: 'test_success' }, listToken),
        ),
      );
    }
    const auth = { authorization: `Bearer ${token}` };
    // Planner statistics for the seeded rows now, as autovacuum would within its first minute.
    for (const url of databases) {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.query('ANALYZE');
      await client.end();
    }

    const ceiling = await startCeiling(join(dir, 'ceiling'));
    record(await scenario('ceiling: bare node http behind nginx', { url: `${ceiling.url}/users/me` }));
    ceiling.stop();

    record(await scenario('GET /users/me', { url: `${base}/users/me`, headers: auth }));
    record(await scenario('GET /orders?limit=20 (200 orders)', { url: `${base}/orders?limit=20`, headers: { authorization: `Bearer ${listToken}` } }));
    record(
      await scenario('POST /orders (2 items, full checkout)', {
        url: `${base}/orders`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          items: [
            { product_name: 'Keyboard', quantity: 1, unit_price: 49.99 },
            { product_name: 'Mouse', quantity: 2, unit_price: 19.99 },
          ],
          payment_method: 'credit_card',
        }),
      }),
    );

    if (!ONLY || ONLY.some((o) => 'login'.startsWith(o) || o.startsWith('POST /users/login'))) {
      log('\n▶ raw bcryptjs');
      const hashesPerSecond = measureBcrypt(cost);
      const threads = availableParallelism();
      log(`  ${hashesPerSecond.toFixed(1)} compares/s on one core at cost ${cost}; the service may use ${threads}`);
      log(`\n▶ POST /users/login flood with GET /users/me alongside at ${PROBE_RATE} req/s`);
      const loginBody = JSON.stringify({ username: me.username, password });
      // The GET /users/me traffic is a steady probe, not a second flood: it measures whether logins
      // stall other requests, without taking the cores the hashing is measured against.
      const flood = { url: `${base}/users/login`, method: 'POST', headers: { 'content-type': 'application/json' }, body: loginBody, connections: CONNECTIONS };
      if (WARMUP > 0) await run({ ...flood, duration: WARMUP });
      const [login, meDuring] = await Promise.all([
        run({ ...flood, duration: DURATION }),
        run({ url: `${base}/users/me`, headers: auth, connections: 4, overallRate: PROBE_RATE, duration: DURATION }),
      ]);
      record(
        summarise('POST /users/login (flood)', login, {
          target: `≥ ${(0.9 * hashesPerSecond * threads).toFixed(0)} (0.9 × ${hashesPerSecond.toFixed(1)} × ${threads})`,
          rawBcryptPerCore: Math.round(hashesPerSecond * 10) / 10,
        }),
      );
      record(summarise('GET /users/me during the login flood', meDuring));
      for (const r of results.slice(-2)) log(`  ${r.scenario}: ${r.requestsPerSecond} req/s, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
    }

    if (!ONLY || ONLY.some((o) => o.startsWith('1024'))) {
      log('\n▶ GET /users/me at 1024 connections for 30 s');
      const overload = await run({ url: `${base}/users/me`, headers: auth, connections: 1024, duration: Number(flag('overload-duration', 30)) });
      const stoppedAt = Date.now();
      const recoveryMs = await waitRecovered(base, token, stoppedAt);
      const statuses = Object.fromEntries(Object.entries(overload.statusCodeStats ?? {}).map(([code, v]) => [code, v.count]));
      record(summarise('GET /users/me at 1024 connections', overload, { statusCodes: statuses, recoveryMs }));
      log(
        `  ${Math.round(overload.requests.average)} req/s, p99 ${overload.latency.p99} ms, statuses ${JSON.stringify(statuses)}, errors ${overload.errors + overload.timeouts}, recovered in ${recoveryMs} ms`,
      );
    }
  } finally {
    await stack?.stop();
  }

  const ceilingRps = results.find((r) => r.scenario.startsWith('ceiling'))?.requestsPerSecond;
  for (const r of results) r.ratioToCeiling = ceilingRps ? Math.round((r.requestsPerSecond / ceilingRps) * 1000) / 1000 : null;
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {}
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    commit,
    replicas: REPLICAS,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    bcryptCost: cost,
    tracing: TRACING,
  };
  const header = '| scenario | req/s | ratio to ceiling | p50 ms | p99 ms | non-2xx | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = results.map((r) => `| ${r.scenario} | ${r.requestsPerSecond} | ${r.ratioToCeiling ?? ''} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
  const extras = results
    .filter((r) => r.target || r.recoveryMs !== undefined)
    .map(
      (r) =>
        `- ${r.scenario}: ${r.target ? `target ${r.target} logins/s` : ''}${r.recoveryMs !== undefined ? `status codes ${JSON.stringify(r.statusCodes)}, recovered ${r.recoveryMs} ms after the load stopped` : ''}`,
    );
  const markdown = `# Benchmark ${meta.date}\n\nNode ${meta.node}, ${meta.cpus} CPUs (${meta.cpuModel}), commit ${meta.commit}, ${meta.replicas} replica(s), ${meta.connections} connections, ${meta.durationSeconds} s per scenario, bcrypt cost ${meta.bcryptCost}, tracing ${meta.tracing ? 'on (OTLP to a local sink)' : 'off'}.\n\n${header}\n${rows.join('\n')}\n\n${extras.join('\n')}\n`;
  const stamp = meta.date.replace(/[:.]/g, '-');
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', `${stamp}.json`), JSON.stringify({ meta, results }, null, 2));
  writeFileSync(join(__dirname, 'results', `${stamp}.md`), markdown);
  log(`\n${header}\n${rows.join('\n')}\n${extras.join('\n')}\n\nWritten to bench/results/${stamp}.{json,md}`);
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
