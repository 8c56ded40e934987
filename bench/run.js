#!/usr/bin/env node
// `npm run bench`: drives the gateway with wrk, in rounds that each measure the ceiling (twice: wrk
// and autocannon in worker threads, to show the generator is not the limit) and then every scenario,
// against a stack it starts itself (real PostgreSQL, real nginx with rate limits off, production
// build and settings), unless --gateway URL points at a running one. Reports medians over the
// rounds with their spread, ratios to the same round's ceiling, the targets, and each
// service's memory. Writes bench/results/<timestamp>.{json,md} (and <timestamp>-profile/ with --profile).
'use strict';
const bcrypt = require('bcryptjs');
const { execSync, fork, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { closeSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:http');
const { availableParallelism, cpus } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { startStack, renderGateway, gatewayVariables, findNginx } = require('../scripts/stack');
const { wrk, cannon } = require('./load');
const { freshDatabase, json } = require('./fixtures');
const { metricsUrls, sample, peakSampler, leakVerdict, INSPECT, startProfiling } = require('./services');
const { median, aggregate, ceilingCheck, targets, markdown, hasRatio, shedText } = require('./report');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const PROFILE = flag('profile', undefined);
const DURATION = Number(flag('duration', 10));
const WARMUP = Number(flag('warmup', 2));
const CONNECTIONS = Number(flag('connections', 64));
const REPLICAS = Number(flag('replicas', 1));
// A profiled run measures its scenario once: the profiler slows the services, so its figures are not for comparing.
const ROUNDS = Number(flag('rounds', PROFILE ? 1 : 3));
const ONLY = flag('only', PROFILE)?.split(',');
const EXTERNAL_GATEWAY = flag('gateway', undefined);
const PROBE_RATE = Number(flag('probe-rate', 200));
const OVERLOAD_SECONDS = Number(flag('overload-duration', 30));
const ORDERS = Number(flag('orders', 2000));
// --tracing: the services export every trace over OTLP to a sink in this process, so a run with it
// and one without give the cost of tracing (without it the OpenTelemetry SDK is not even loaded).
const TRACING = args.includes('--tracing');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = join(__dirname, '..');
// The products the benchmark orders, with stock for any run (1,000,000 each). Orders name them by SKU.
const CATALOG_FILE = join(__dirname, 'catalog.json');
const BENCH_ADMIN = { email: process.env.BENCH_ADMIN_EMAIL ?? 'bench-admin@example.com', password: process.env.BENCH_ADMIN_PASSWORD };
const STARTED = new Date();
const STAMP = STARTED.toISOString().replace(/[:.]/g, '-');
const RESULTS = join(__dirname, 'results');

// wrk threads and autocannon worker threads alike: one per core.
const GENERATOR_THREADS = Math.min(availableParallelism(), CONNECTIONS);
/** Every scenario, in the order a round runs them, by the key --only and --profile match. */
const NAMES = {
  ceiling: 'ceiling: bare Node behind nginx (wrk)',
  'ceiling-autocannon': `ceiling, second generator (autocannon, ${GENERATOR_THREADS} worker threads)`,
  'GET /users/health/live': 'GET /users/health/live (the pipeline alone)',
  'GET /users/me': 'GET /users/me',
  'GET /orders?limit=20': `GET /orders?limit=20 (${ORDERS.toLocaleString('en')} orders)`,
  'POST /orders': 'POST /orders (2 items, full checkout)',
  login: 'POST /users/login (flood)',
  'login-probe': `GET /users/me probe during the login flood (${PROBE_RATE} req/s)`,
  '1024-connections': `GET /users/me at 1,024 connections (${OVERLOAD_SECONDS} s)`,
};

const log = (message) => process.stdout.write(`${message}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const selected = (key) => !ONLY || ONLY.some((o) => key.startsWith(o));

async function query(url, sql, params) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
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
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, bytes: () => bytes, server })),
  );
}

/**
 * Puts bench/catalog.json's products in the catalog. The stack runs in production, where the order
 * service seeds nothing (CATALOG_SEED=demo, and so CATALOG_SEED_FILE, is refused there): an admin
 * adds them, as in a real shop. A running gateway (--gateway) may already have them, e.g. a stack
 * started outside production with CATALOG_SEED_FILE=bench/catalog.json; otherwise the admin
 * (BENCH_ADMIN_EMAIL, BENCH_ADMIN_PASSWORD) adds them there too.
 */
async function ensureCatalog(base) {
  const products = JSON.parse(readFileSync(CATALOG_FILE, 'utf8'));
  let adminToken;
  for (const product of products) {
    const listed = await json(base, 'GET', `/orders/products?active=true&limit=100&search=${encodeURIComponent(product.name)}`);
    const found = listed.find((p) => p.sku === product.sku);
    if (found) {
      if (found.stock_on_hand < 100_000)
        log(`  warning: ${product.sku} has ${found.stock_on_hand} units on hand: checkouts may run out (409 ORDER.OUT_OF_STOCK)`);
      continue;
    }
    if (!BENCH_ADMIN.password)
      throw new Error(
        `The catalog has no ${product.sku}: set BENCH_ADMIN_EMAIL and BENCH_ADMIN_PASSWORD, or start the stack with CATALOG_SEED_FILE=bench/catalog.json`,
      );
    adminToken ??= (await json(base, 'POST', '/users/login', BENCH_ADMIN)).access_token;
    await json(base, 'POST', '/orders/products', product, adminToken);
  }
  log(`  catalog: ${products.map((p) => p.sku).join(', ')}`);
}

/**
 * What autovacuum does on a production database, done now: VACUUM (it sets the visibility map, so
 * that counting a user's orders reads the index alone) and ANALYZE (the planner's statistics). The
 * PostgreSQL of a development or CI machine may run with autovacuum off (this project's machines
 * do): then the seeded tables would never be vacuumed, and after each round's checkouts (thousands
 * of orders) the planner would still plan with the statistics of the seeded data alone, where one
 * user owned every order. Run after seeding and between rounds, outside every measured window.
 */
async function maintain(databases) {
  if (!databases) return;
  const started = Date.now();
  for (const url of Object.values(databases)) await query(url, 'VACUUM ANALYZE');
  const {
    rows: [{ autovacuum }],
  } = await query(databases.order, 'SHOW autovacuum');
  log(`  VACUUM ANALYZE of the three databases in ${Date.now() - started} ms (the server's autovacuum is ${autovacuum})`);
}

/**
 * `count` orders for the lister. One is placed through the API (a real, paid checkout); with the
 * databases at hand the others are copies of it written by one INSERT … SELECT generate_series
 * each, a minute apart: the order with its items in the orders database, its completed payment in
 * the payments database. The copies hold no stock (stock_held false: they never took any) and are
 * marked verified, so the reconciler has nothing to do with them. Without the databases (--gateway)
 * every order goes through the API.
 */
async function seedOrders(base, token, count, databases) {
  const first = await json(base, 'POST', '/orders', { items: [{ sku: 'BENCH-SEED', quantity: 1 }], payment_method: 'test_success' }, token);
  if (!databases) {
    for (let placed = 1; placed < count; placed += 20)
      await Promise.all(
        Array.from({ length: Math.min(20, count - placed) }, () =>
          json(base, 'POST', '/orders', { items: [{ sku: 'BENCH-SEED', quantity: 1 }], payment_method: 'test_success' }, token),
        ),
      );
    return;
  }
  const copies = await query(
    databases.order,
    `WITH copies AS (
       INSERT INTO orders (user_id, status, currency, total_minor, payment_method, payment_id, payment_attempt, created_at, updated_at, verified_at, stock_held)
       SELECT o.user_id, o.status, o.currency, o.total_minor, o.payment_method, gen_random_uuid(), 1,
              o.created_at - g * interval '1 minute', o.created_at - g * interval '1 minute', now(), false
       FROM orders o, generate_series(1, $2::int - 1) g WHERE o.id = $1
       RETURNING id, payment_id, created_at),
     items AS (
       INSERT INTO order_items (order_id, position, product_name, quantity, unit_price_minor, product_id, sku)
       SELECT c.id, i.position, i.product_name, i.quantity, i.unit_price_minor, i.product_id, i.sku
       FROM copies c CROSS JOIN order_items i WHERE i.order_id = $1)
     SELECT id, payment_id, created_at FROM copies`,
    [first.id, count],
  );
  await query(
    databases.payment,
    `INSERT INTO payments (id, order_id, user_id, amount_minor, currency, payment_method, status, transaction_id, created_at, updated_at)
     SELECT c.payment_id, c.order_id, p.user_id, p.amount_minor, p.currency, p.payment_method, p.status, 'bench-' || c.payment_id, c.created_at, c.created_at
     FROM payments p, unnest($2::uuid[], $3::uuid[], $4::timestamptz[]) AS c(payment_id, order_id, created_at)
     WHERE p.order_id = $1 AND p.status = 'completed'`,
    [first.id, copies.rows.map((r) => r.payment_id), copies.rows.map((r) => r.id), copies.rows.map((r) => r.created_at)],
  );
}

/**
 * The login flood's accounts, as `{"username","password"}` bodies: a flood of many users, each
 * seeing about one attempt at a time. One account under the whole flood would lock (its concurrent
 * attempts count as failures until one succeeds: 429). With the users database at hand, 1,000: one
 * made through the API and copied by one INSERT … SELECT generate_series (same password hash, so no
 * hashing to wait for); else one a connection, each through the API.
 */
async function floodAccounts(base, prefix, password, databases) {
  const count = databases ? 1000 : CONNECTIONS;
  const name = (i) => `${prefix}_${i}`;
  const made = await json(base, 'POST', '/users', { email: `${name(0)}@example.com`, username: name(0), password });
  if (databases)
    await query(
      databases.user,
      `INSERT INTO users (email, username, password_hash, role, is_active)
       SELECT $2 || '_' || g || '@example.com', $2 || '_' || g, u.password_hash, u.role, u.is_active
       FROM users u, generate_series(1, $3::int - 1) g WHERE u.id = $1`,
      [made.id, prefix, count],
    );
  else
    for (let i = 1; i < count; i += 8)
      await Promise.all(
        Array.from({ length: Math.min(8, count - i) }, (_, j) =>
          json(base, 'POST', '/users', { email: `${name(i + j)}@example.com`, username: name(i + j), password }),
        ),
      );
  return Array.from({ length: count }, (_, i) => JSON.stringify({ username: name(i), password }));
}

/** The ceiling: a bare Node.js server (its own process) behind the same nginx configuration, in the same run. */
async function startCeiling(dir) {
  const bare = fork(join(__dirname, 'ceiling-server.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const { port: barePort } = await new Promise((resolve) => bare.once('message', resolve));
  const upstream = `server 127.0.0.1:${barePort};`;
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
    await sleep(100);
  }
  return { url, stop: () => (nginx.kill('SIGQUIT'), bare.kill()) };
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
    const ok = await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return Date.now() - startedAt;
    if (Date.now() - startedAt > 30_000) return Infinity;
    await sleep(50);
  }
}

/** The gateway's own time for the 503s it logged since `offset` (its access log, flushed every second). */
function shedLatency(accessLog, offset) {
  const size = statSync(accessLog).size;
  const buffer = Buffer.alloc(size - offset);
  const fd = openSync(accessLog, 'r');
  readSync(fd, buffer, 0, buffer.length, offset);
  closeSync(fd);
  const times = [];
  for (const line of buffer.toString('utf8').split('\n')) {
    if (!line.includes('"status":503')) continue;
    try {
      times.push(JSON.parse(line).request_time * 1000);
    } catch {
      // A line cut by the flush in progress.
    }
  }
  times.sort((a, b) => a - b);
  return { shed503P99Ms: Math.round(times[Math.ceil(times.length * 0.99) - 1] ?? 0), shed503MaxMs: Math.round(times.at(-1) ?? 0) };
}

(async () => {
  const dir = join(ROOT, '.run', 'bench');
  const logDir = join(dir, 'logs');
  mkdirSync(dir, { recursive: true });
  if (PROFILE && EXTERNAL_GATEWAY) throw new Error('--profile needs the stack the benchmark starts itself (no --gateway)');
  let stack;
  let base = EXTERNAL_GATEWAY;
  let databases;
  if (!base) {
    log('Starting the stack (production build, PostgreSQL, nginx without rate limits)…');
    // The admin that adds the benchmark's products (ensureCatalog).
    BENCH_ADMIN.password ??= randomBytes(18).toString('base64url');
    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      JWT_SECRET: randomBytes(48).toString('base64url'),
      BCRYPT_COST: process.env.BCRYPT_COST ?? '10',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/2',
      USER_DATABASE_URL: await freshDatabase(ADMIN_URL, 'bench_users'),
      ORDER_DATABASE_URL: await freshDatabase(ADMIN_URL, 'bench_orders'),
      PAYMENT_DATABASE_URL: await freshDatabase(ADMIN_URL, 'bench_payments'),
      GATEWAY_RATE_LIMIT_ENABLED: 'off',
      ADMIN_EMAIL: BENCH_ADMIN.email,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      // Every replica has its own pool: together they must stay under PostgreSQL's max_connections (100).
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? String(Math.floor(20 / REPLICAS)),
      ...(PROFILE ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${INSPECT}`.trim() } : {}),
    };
    databases = { user: env.USER_DATABASE_URL, order: env.ORDER_DATABASE_URL, payment: env.PAYMENT_DATABASE_URL };
    if (TRACING) {
      const sink = await startTraceSink();
      env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.url;
      log(`  tracing on: spans exported over OTLP to ${sink.url}`);
    }
    stack = await startStack({ replicas: REPLICAS, env, dir: join(dir, 'stack'), logDir, progress: (m) => log(`  ${m}`) });
    base = stack.gateway.url;
  }
  const cost = Number(process.env.BCRYPT_COST ?? 10);
  const cores = availableParallelism();
  const rounds = [];
  const overload = [];
  const bcryptRates = [];
  let memory;
  let ceiling;
  let profileFiles = [];
  try {
    log('Seeding…');
    await ensureCatalog(base);
    const password = 'benchmark-password-1';
    const suffix = Date.now();
    const me = await json(base, 'POST', '/users', { email: `bench-${suffix}@example.com`, username: `bench_${suffix}`, password });
    const token = (await json(base, 'POST', '/users/login', { username: me.username, password })).access_token;
    const lister = await json(base, 'POST', '/users', { email: `list-${suffix}@example.com`, username: `list_${suffix}`, password });
    const listToken = (await json(base, 'POST', '/users/login', { username: lister.username, password })).access_token;
    const logins = await floodAccounts(base, `flood_${suffix}`, password, databases);
    const seeded = Date.now();
    await seedOrders(base, listToken, ORDERS, databases);
    log(`  ${ORDERS} orders for ${lister.username} in ${Date.now() - seeded} ms`);
    await maintain(databases);

    const auth = { authorization: `Bearer ${token}` };
    const checkout = JSON.stringify({
      // Priced by the server from the catalog (89.97); both products' rows are locked and their stock taken.
      items: [
        { sku: 'BENCH-KB', quantity: 1 },
        { sku: 'BENCH-MOUSE', quantity: 2 },
      ],
      payment_method: 'credit_card',
    });
    ceiling = await startCeiling(join(dir, 'ceiling'));
    const load = (options) => ({ connections: CONNECTIONS, ...options });
    const how = {
      ceiling: { load: load({ url: `${ceiling.url}/users/me` }) },
      'ceiling-autocannon': { cannon: { url: `${ceiling.url}/users/me`, connections: CONNECTIONS, workers: GENERATOR_THREADS } },
      'GET /users/health/live': { load: load({ url: `${base}/users/health/live` }) },
      'GET /users/me': { load: load({ url: `${base}/users/me`, headers: auth }) },
      'GET /orders?limit=20': { load: load({ url: `${base}/orders?limit=20`, headers: { authorization: `Bearer ${listToken}` } }) },
      'POST /orders': { load: load({ url: `${base}/orders`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: checkout }) },
      login: {
        load: load({
          url: `${base}/users/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          bodies: logins,
        }),
      },
    };
    const scenarios = Object.entries(NAMES).map(([key, name]) => ({ key, name, ...how[key] }));
    const wanted = scenarios.filter((s) => selected(s.key) || (s.key === 'login-probe' && selected('login')));
    // Every ratio needs its round's ceiling, and every run shows both generators agree on it.
    if (wanted.some((s) => !s.key.startsWith('ceiling') && !s.key.startsWith('login') && s.key !== '1024-connections'))
      for (const s of scenarios.slice(0, 2)) if (!wanted.includes(s)) wanted.unshift(s);
    wanted.sort((a, b) => scenarios.indexOf(a) - scenarios.indexOf(b));
    if (PROFILE && !wanted.some((s) => s.key.startsWith(PROFILE))) throw new Error(`--profile ${PROFILE}: no such scenario`);

    const urls = stack ? metricsUrls(stack.instances) : undefined;
    if (urls) {
      await sleep(2000);
      memory = { idle: await sample(urls), afterRounds: [] };
    }
    const peak = urls ? peakSampler(urls) : undefined;

    /** Runs `measure` inside a CPU profile of every service when this is the profiled scenario's first round. */
    const profiled = async (s, round, measure) => {
      if (!PROFILE || round !== 1 || !s.key.startsWith(PROFILE)) return measure();
      const labels = Object.values(stack.instances)
        .flat()
        .map((i) => i.process.label);
      const profiler = await startProfiling(Object.fromEntries(labels.map((l) => [l, join(logDir, `${l}.log`)])));
      try {
        return await measure();
      } finally {
        profileFiles = await profiler.stop(join(RESULTS, `${STAMP}-profile`));
      }
    };

    for (let round = 1; round <= ROUNDS; round++) {
      log(`\n━━ round ${round} of ${ROUNDS}`);
      if (round > 1) await maintain(databases);
      const results = {};
      rounds.push(results);
      const show = (key, r) =>
        log(
          `  ${NAMES[key]}: ${r.requestsPerSecond} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, timeouts ${r.timeouts}, socket errors ${r.socketErrors}` +
            (r.statuses ? `, statuses ${JSON.stringify(r.statuses)}` : '') +
            (r.generatorCores !== undefined ? `, wrk used ${r.generatorCores} of its ${GENERATOR_THREADS} threads' cores` : '') +
            (results.ceiling && hasRatio(key) ? `, ratio ${(r.requestsPerSecond / results.ceiling.requestsPerSecond).toFixed(3)}` : ''),
        );
      for (const s of wanted) {
        if (s.key === 'login-probe') continue;
        if (s.cannon) {
          // Right after the wrk ceiling: nginx and the bare server are warm.
          results[s.key] = await cannon({ ...s.cannon, duration: DURATION });
        } else if (s.key === 'login') {
          bcryptRates.push(measureBcrypt(cost));
          log(`  raw bcryptjs: ${bcryptRates.at(-1).toFixed(1)} compares/s on one core at cost ${cost}; the service may use ${cores}`);
          if (WARMUP > 0) await wrk({ ...s.load, seconds: WARMUP });
          // The GET /users/me traffic is a steady probe, not a second flood: it measures whether logins
          // stall other requests, without taking the cores the hashing is measured against.
          const [flood, probe] = await profiled(s, round, () =>
            Promise.all([
              wrk({ ...s.load, seconds: DURATION }),
              cannon({ url: `${base}/users/me`, headers: auth, connections: 4, overallRate: PROBE_RATE, duration: DURATION }),
            ]),
          );
          results.login = flood;
          results['login-probe'] = probe;
          show('login', flood);
          show('login-probe', probe);
          continue;
        } else if (s.key === '1024-connections') {
          const accessLog = stack ? join(stack.gateway.dir, 'access.log') : undefined;
          const offset = accessLog ? statSync(accessLog).size : 0;
          const r = await profiled(s, round, () =>
            wrk({ url: `${base}/users/me`, headers: auth, connections: 1024, seconds: OVERLOAD_SECONDS, countStatuses: true }),
          );
          const recoveryMs = await waitRecovered(base, token, Date.now());
          await sleep(1500);
          const shed = accessLog ? shedLatency(accessLog, offset) : {};
          results['1024-connections'] = { ...r, count503: r.statuses?.['503'] ?? 0, recoveryMs, ...shed };
          overload.push(results['1024-connections']);
          show(s.key, r);
          log(`    ${shedText(results['1024-connections'])}; answered again ${recoveryMs} ms after the load stopped`);
          continue;
        } else {
          if (WARMUP > 0) await wrk({ ...s.load, seconds: WARMUP });
          results[s.key] = await profiled(s, round, () => wrk({ ...s.load, seconds: DURATION }));
        }
        show(s.key, results[s.key]);
      }
      if (urls) {
        await sleep(3000);
        memory.afterRounds.push(await sample(urls));
      }
    }
    if (memory) {
      memory.peak = await peak.stop();
      memory.after = memory.afterRounds.at(-1);
      memory.leak = leakVerdict(memory.afterRounds);
    }
  } finally {
    ceiling?.stop();
    await stack?.stop();
  }

  const scenarios = aggregate(
    rounds,
    Object.entries(NAMES)
      .filter(([key]) => rounds.some((r) => r[key]))
      .map(([key, name]) => ({ key, name })),
  );
  const byKey = Object.fromEntries(scenarios.map((s) => [s.key, s]));
  const ceilings = ceilingCheck(byKey);
  const rawPerCore = median(bcryptRates);
  const targetRows = targets(byKey, { login: rawPerCore ? { rawPerCore: Math.round(rawPerCore * 10) / 10, cores } : undefined, overload });
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  } catch {
    // Not a git checkout: the results say so.
  }
  const meta = {
    date: STARTED.toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    commit,
    replicas: REPLICAS,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    rounds: ROUNDS,
    wrkThreads: GENERATOR_THREADS,
    orders: ORDERS,
    bcryptCost: cost,
    tracing: TRACING,
    profile: PROFILE,
  };
  const text = markdown({ meta, scenarios, ceilings, targetRows, overload, memory });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, `${STAMP}.json`),
    JSON.stringify({ meta, ceilings, scenarios, targets: targetRows, overload, bcryptPerCore: bcryptRates, memory, profile: profileFiles }, null, 2),
  );
  writeFileSync(join(RESULTS, `${STAMP}.md`), text);
  log(`\n${text}\nWritten to bench/results/${STAMP}.{json,md}`);
  for (const file of profileFiles) log(`Flame graph: ${file}`);
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
