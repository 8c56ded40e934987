#!/usr/bin/env node
// `npm start`: runs every service of the system on this machine from its production build,
// on the embedded defaults unless DATABASE_URL / REDIS_URL say otherwise, and stops them on Ctrl-C.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const SERVICES = [
  { app: 'user', prefix: 'users', port: 3001 },
  { app: 'order', prefix: 'orders', port: 3002 },
  { app: 'payment', prefix: 'payments', port: 3003 },
].filter(({ app }) => existsSync(join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js')));

const children = [];
let stopping = false;

function serviceEnv({ app, port }) {
  const env = { ...process.env, PORT: process.env[`${app.toUpperCase()}_PORT`] ?? String(port) };
  // Each service has its own database: DATABASE_URL_USER etc. pick a server per service.
  const url = process.env[`${app.toUpperCase()}_DATABASE_URL`];
  if (url) env.DATABASE_URL = url;
  env.USER_SERVICE_URL ??= `http://127.0.0.1:${process.env.USER_PORT ?? 3001}`;
  env.PAYMENT_SERVICE_URL ??= `http://127.0.0.1:${process.env.PAYMENT_PORT ?? 3003}`;
  return env;
}

function start(service) {
  const env = serviceEnv(service);
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', service.app, 'apps', service.app, 'src', 'main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const label = `[${service.app}]`.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) process.stdout.write(`${label}${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${label}exited (${signal ?? code}); stopping everything`);
      stop(1);
    }
  });
  children.push(child);
  return { ...service, url: `http://127.0.0.1:${env.PORT}` };
}

async function waitHealthy(service, deadline) {
  while (Date.now() < deadline) {
    const ok = await fetch(`${service.url}/${service.prefix}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.app} did not become healthy at ${service.url}/${service.prefix}/health`);
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const waitAll = Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r)))));
  const force = setTimeout(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')), 15_000);
  waitAll.then(() => {
    clearTimeout(force);
    process.exit(code);
  });
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

(async () => {
  console.log(`Starting ${SERVICES.map((s) => s.app).join(', ')}…`);
  const running = SERVICES.map(start);
  const deadline = Date.now() + 60_000;
  try {
    await Promise.all(running.map(async (s) => {
      await waitHealthy(s, deadline);
      console.log(`✔ ${s.app} is healthy`);
    }));
  } catch (error) {
    console.error(error.message);
    return stop(1);
  }
  console.log('\nAll services are up:');
  for (const s of running) console.log(`  ${s.app.padEnd(8)} ${s.url}/${s.prefix}/docs`);
  console.log('\nPress Ctrl-C to stop.');
})();
