// Runs the whole system on this machine as real processes: every service from its production
// build (one or more replicas) and nginx in front of them, configured from the same templates
// docker compose uses. Used by `npm start`, the system tests and the benchmark.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');
const { parseEnv } = require('node:util');
const { installationJwtSecret } = require('./jwt-secret');

const ROOT = resolve(__dirname, '..');
// Each service's prefix and default port, from the registry the services themselves read.
const SERVICES = Object.entries(require('../libs/contracts/src/services.json')).map(([app, { prefix, port }]) => ({ app, prefix, port }));

function builtEntry(app) {
  return join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
}

/** Loaded before the service: starts OpenTelemetry when OTEL_EXPORTER_OTLP_ENDPOINT is set, else nothing. */
function tracingPreload(app) {
  return join(ROOT, 'dist', 'apps', app, 'libs', 'tracing', 'src', 'preload.js');
}

function findNginx() {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']) {
    const candidate = join(dir, 'nginx');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/** envsubst as the official nginx image runs it: only the listed variables are replaced. */
function renderTemplate(text, variables) {
  return text.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (match, name) => (name in variables ? String(variables[name]) : match));
}

/** `set_real_ip_from` for each address or CIDR of a comma- or space-separated list. */
function realIpFrom(list = '') {
  return list
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((address) => {
      if (!/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(address)) throw new Error(`GATEWAY_TRUSTED_PROXIES: "${address}" is not an IP address or CIDR range`);
      return `set_real_ip_from ${address};`;
    })
    .join(' ');
}

function gatewayVariables(env, upstreams, dir) {
  // The local gateway answers this machine only, unless GATEWAY_HOST says otherwise (0.0.0.0: every interface).
  const host = env.GATEWAY_HOST ?? '127.0.0.1';
  const tlsPort = env.GATEWAY_TLS_PORT ?? '8443';
  const redirect = env.GATEWAY_HTTPS_REDIRECT ?? 'off';
  return {
    GATEWAY_PORT: `${host}:${env.GATEWAY_PORT ?? '8080'}`,
    GATEWAY_TLS_PORT: `${host}:${tlsPort}`,
    GATEWAY_STATUS_LISTEN: `127.0.0.1:${env.GATEWAY_STATUS_PORT ?? '8081'}`,
    GATEWAY_INTERNAL_LISTEN: `127.0.0.1:${env.GATEWAY_INTERNAL_PORT ?? '8082'}`,
    GATEWAY_TLS_CERT: env.GATEWAY_TLS_CERT ?? join(dir, 'certs', 'gateway.crt'),
    GATEWAY_TLS_KEY: env.GATEWAY_TLS_KEY ?? join(dir, 'certs', 'gateway.key'),
    GATEWAY_RATE_LIMIT_ENABLED: env.GATEWAY_RATE_LIMIT_ENABLED ?? 'on',
    GATEWAY_RATE_LIMIT: env.GATEWAY_RATE_LIMIT ?? '10r/s',
    GATEWAY_RATE_BURST: env.GATEWAY_RATE_BURST ?? '20',
    GATEWAY_LOGIN_RATE_LIMIT: env.GATEWAY_LOGIN_RATE_LIMIT ?? '2r/s',
    GATEWAY_LOGIN_RATE_BURST: env.GATEWAY_LOGIN_RATE_BURST ?? '5',
    // Equal to the services' own limit: a larger body reaching a service would be cut off mid-send.
    GATEWAY_BODY_LIMIT: env.GATEWAY_BODY_LIMIT ?? '100k',
    GATEWAY_CONN_LIMIT: env.GATEWAY_CONN_LIMIT ?? '100',
    GATEWAY_CLIENT_TIMEOUT: env.GATEWAY_CLIENT_TIMEOUT ?? '10s',
    // `on` redirects to this gateway's own HTTPS port, which is not 443 on a workstation.
    GATEWAY_HTTPS_REDIRECT: redirect === 'on' ? tlsPort : redirect,
    GATEWAY_REAL_IP_FROM: realIpFrom(env.GATEWAY_TRUSTED_PROXIES),
    GATEWAY_HTML_ROOT: join(ROOT, 'nginx', 'html'),
    GATEWAY_ACCESS_LOG: env.GATEWAY_ACCESS_LOG ?? join(dir, 'access.log'),
    // The answers by status for mtail, over syslog; off unless asked for (no mtail runs beside npm start).
    GATEWAY_METRICS_LOG: env.GATEWAY_METRICS_LOG ?? 'syslog:server=127.0.0.1:5514,tag=gateway,nohostname',
    GATEWAY_METRICS_ENABLED: env.GATEWAY_METRICS_ENABLED ?? '0',
    USER_UPSTREAM_SERVERS: upstreams.user,
    ORDER_UPSTREAM_SERVERS: upstreams.order,
    PAYMENT_UPSTREAM_SERVERS: upstreams.payment,
  };
}

/** The port of a `listen` address (`127.0.0.1:8080` or `8080`). */
function portOf(listen) {
  return String(listen).split(':').pop();
}

/** Renders every template into a private folder with a main nginx.conf that needs no root. */
function renderGateway(dir, variables) {
  rmSync(join(dir, 'conf.d'), { recursive: true, force: true });
  for (const sub of ['conf.d', 'tmp', 'certs']) mkdirSync(join(dir, sub), { recursive: true });
  if (!existsSync(variables.GATEWAY_TLS_CERT)) execFileSync('sh', [join(ROOT, 'nginx', 'generate-cert.sh'), join(dir, 'certs')], { stdio: 'ignore' });
  const templates = join(ROOT, 'nginx', 'templates');
  for (const file of readdirSync(templates).filter((f) => f.endsWith('.template'))) {
    writeFileSync(join(dir, 'conf.d', file.replace(/\.template$/, '')), renderTemplate(readFileSync(join(templates, file), 'utf8'), variables));
  }
  const mimeTypes = existsSync('/etc/nginx/mime.types')
    ? 'include /etc/nginx/mime.types;'
    : 'types { text/html html; text/css css; application/javascript js; }';
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes auto;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
daemon off;
events { worker_connections 8192; }
http {
    ${mimeTypes}
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65s;
    client_body_temp_path ${join(dir, 'tmp', 'body')};
    proxy_temp_path ${join(dir, 'tmp', 'proxy')};
    fastcgi_temp_path ${join(dir, 'tmp', 'fastcgi')};
    uwsgi_temp_path ${join(dir, 'tmp', 'uwsgi')};
    scgi_temp_path ${join(dir, 'tmp', 'scgi')};
    include ${join(dir, 'conf.d')}/*.conf;
}
`,
  );
  return join(dir, 'nginx.conf');
}

const TAIL_LINES = 15;

/** Sends each line to the sink and keeps the last few, to show when the process dies. */
function pipeOutput(child, label, sink) {
  const tail = [];
  child.tail = () => tail.join('\n');
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let buffered = '';
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        sink(label, line);
      }
    });
  }
}

function fileTail(file) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
  } catch {
    return '';
  }
}

/** Resolves when the port can be bound on every address the system listens on; rejects naming who needs it. */
async function assertPortFree(port, owner) {
  for (const host of ['127.0.0.1', '0.0.0.0']) {
    const error = await new Promise((resolveBind) => {
      const server = createServer();
      server.once('error', resolveBind);
      server.listen(Number(port), host, () => server.close(() => resolveBind(undefined)));
    });
    if (error?.code === 'EADDRINUSE')
      throw new Error(`Cannot start: port ${port} (${owner}) is already in use by another program. Stop it, or set another port for ${owner}.`);
    if (error && error.code !== 'EADDRNOTAVAIL') throw new Error(`Cannot start: port ${port} (${owner}) cannot be used: ${error.message}`);
  }
}

/** Rejects as soon as the process ends: a health answer from someone else must not count as its own. */
function exitOf(child, label, tail) {
  return new Promise((_, reject) => {
    const fail = () => {
      const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
      const last = tail().trim();
      reject(new Error(`${label} exited during start-up (${how}).${last ? ` Its last log lines:\n${last}` : ''}`));
    };
    if (child.exitCode !== null || child.signalCode !== null) fail();
    else child.once('exit', () => setImmediate(fail));
  });
}

async function waitFor(url, deadline, isUp = (r) => r.ok, gaveUp = () => false) {
  while (Date.now() < deadline && !gaveUp()) {
    const up = await fetch(url).then(isUp, () => false);
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready in time`);
}

/**
 * Starts the system. Options: replicas (per service), env (extra environment for everything),
 * gateway (false to skip nginx), dir (private runtime folder), log(label, line) or logDir (files),
 * progress(message), signal (an AbortSignal that ends a start in progress: what was started is
 * stopped and the promise rejects), detached (each process in its own process group, so that
 * only the caller gets the terminal's signals and decides how everything stops), onSpawn(child).
 */
async function startStack(options = {}) {
  const env = { ...process.env, ...options.env };
  const replicas = Math.max(1, Number(options.replicas ?? env.REPLICAS ?? 1));
  const dir = resolve(options.dir ?? join(ROOT, '.run'));
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? (() => undefined);
  const onSpawn = options.onSpawn ?? (() => undefined);
  const children = [];
  const instances = {};
  // The services also read .env (cwd ROOT): a secret set there is the installation's choice.
  const dotEnv = existsSync(join(ROOT, '.env')) ? parseEnv(readFileSync(join(ROOT, '.env'), 'utf8')) : {};
  if (!env.JWT_SECRET && !env.JWT_SECRET_FILE && !dotEnv.JWT_SECRET && !dotEnv.JWT_SECRET_FILE) {
    delete env.JWT_SECRET;
    const secret = installationJwtSecret(resolve(ROOT, env.DATA_DIR ?? '.data'));
    env.JWT_SECRET_FILE = secret.file;
    progress(
      `JWT_SECRET is not set: tokens are signed with this installation's own random secret, ${secret.created ? 'made now in' : 'kept in'} ${secret.file}`,
    );
  }
  if (options.logDir) mkdirSync(options.logDir, { recursive: true });
  for (const service of SERVICES) {
    if (!existsSync(builtEntry(service.app))) throw new Error(`${builtEntry(service.app)} is missing: run npm run build first`);
  }
  for (const service of SERVICES) {
    const url = env[`${service.app.toUpperCase()}_DATABASE_URL`];
    const count = url ? replicas : 1;
    if (!url && replicas > 1) progress(`${service.app}: the embedded database serves one replica only; set ${service.app.toUpperCase()}_DATABASE_URL for more`);
    const firstPort = Number(env[`${service.app.toUpperCase()}_PORT`] ?? service.port);
    instances[service.app] = [];
    for (let i = 0; i < count; i++) {
      instances[service.app].push({ ...service, replica: i + 1, port: i === 0 ? firstPort : await freePort(), databaseUrl: url });
    }
  }
  // One replica: services call each other directly. Several: through nginx's internal listener, so
  // that losing a replica fails over like any other request.
  const nginx = options.gateway !== false ? findNginx() : undefined;
  const balanced = replicas > 1 && nginx;
  env.GATEWAY_INTERNAL_PORT ??= String(await freePort());
  const direct = (app) => (balanced ? `http://127.0.0.1:${env.GATEWAY_INTERNAL_PORT}` : `http://127.0.0.1:${instances[app][0].port}`);
  const startInstance = (instance) => {
    // The services reach the instances started here, whatever .env says for a service run alone.
    const instanceEnv = {
      ...env,
      PORT: String(instance.port),
      HOST: '127.0.0.1',
      USER_SERVICE_URL: direct('user'),
      PAYMENT_SERVICE_URL: direct('payment'),
      ORDER_SERVICE_URL: direct('order'),
      DATA_DIR: env.DATA_DIR ?? join(ROOT, '.data'),
      OTEL_SERVICE_NAME: instance.app,
    };
    if (instance.databaseUrl) instanceEnv.DATABASE_URL = instance.databaseUrl;
    else delete instanceEnv.DATABASE_URL;
    const label = instances[instance.app].length > 1 ? `${instance.app}#${instance.replica}` : instance.app;
    // With logDir, output goes straight to files: piping it through this process would cost CPU under load.
    const output = options.logDir ? openSync(join(options.logDir, `${label}.log`), 'a') : 'pipe';
    const child = spawn(process.execPath, ['--require', tracingPreload(instance.app), builtEntry(instance.app)], {
      cwd: ROOT,
      env: instanceEnv,
      stdio: ['ignore', output, output],
      detached: !!options.detached,
    });
    child.label = label;
    if (!options.logDir) pipeOutput(child, label, log);
    else child.tail = () => fileTail(join(options.logDir, `${label}.log`));
    onSpawn(child);
    instance.process = child;
    instance.url = `http://127.0.0.1:${instance.port}`;
    children.push(child);
    return child;
  };
  const stop = async (signal = 'SIGTERM') => {
    const exits = children.map((c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r))));
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill(signal === 'SIGTERM' && child === gateway?.process ? 'SIGQUIT' : signal);
    const force = setTimeout(() => children.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL')), 15_000);
    await Promise.all(exits);
    clearTimeout(force);
  };
  let gateway;
  let failed = false;
  const gaveUp = () => failed;
  options.signal?.addEventListener('abort', () => (failed = true), { once: true });
  try {
    await startAll();
  } catch (error) {
    failed = true;
    await stop();
    throw error;
  }
  return { instances, gateway, startInstance, stop, children };

  async function startAll() {
    const all = Object.values(instances).flat();
    for (const instance of all) await assertPortFree(instance.port, `the ${instance.app} service, ${instance.app.toUpperCase()}_PORT`);
    if (nginx) {
      const ports = gatewayVariables(env, {}, '');
      for (const [name, port] of [
        ['GATEWAY_PORT', portOf(ports.GATEWAY_PORT)],
        ['GATEWAY_TLS_PORT', portOf(ports.GATEWAY_TLS_PORT)],
        ['GATEWAY_STATUS_PORT', ports.GATEWAY_STATUS_LISTEN.split(':')[1]],
        ['GATEWAY_INTERNAL_PORT', ports.GATEWAY_INTERNAL_LISTEN.split(':')[1]],
      ]) {
        await assertPortFree(port, `the gateway, ${name}`);
      }
    }
    all.forEach(startInstance);
    const deadline = Date.now() + 90_000;
    await Promise.all(
      all.map(async (instance) => {
        const label = instances[instance.app].length > 1 ? `${instance.app}#${instance.replica}` : instance.app;
        await Promise.race([
          waitFor(`${instance.url}/${instance.prefix}/health`, deadline, undefined, gaveUp),
          exitOf(instance.process, label, instance.process.tail),
        ]);
        progress(`${instance.app}${instances[instance.app].length > 1 ? ` replica ${instance.replica}` : ''} is healthy on ${instance.url}`);
      }),
    );

    if (options.gateway !== false) {
      if (!nginx) {
        progress('nginx is not installed (Debian/Ubuntu: apt-get install nginx; macOS: brew install nginx): serving the services on their own ports');
      } else {
        const upstream = (app) => instances[app].map((i) => `server 127.0.0.1:${i.port} max_fails=2 fail_timeout=5s;`).join(' ');
        const variables = gatewayVariables(env, { user: upstream('user'), order: upstream('order'), payment: upstream('payment') }, join(dir, 'gateway'));
        const conf = renderGateway(join(dir, 'gateway'), variables);
        const child = spawn(nginx, ['-c', conf, '-p', join(dir, 'gateway'), '-e', join(dir, 'gateway', 'error.log')], {
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: !!options.detached,
        });
        const errorLog = () => fileTail(join(dir, 'gateway', 'error.log'));
        child.label = 'gateway';
        pipeOutput(child, 'gateway', log);
        child.tail = errorLog;
        children.push(child);
        onSpawn(child);
        gateway = {
          url: `http://127.0.0.1:${portOf(variables.GATEWAY_PORT)}`,
          tlsUrl: `https://localhost:${portOf(variables.GATEWAY_TLS_PORT)}`,
          process: child,
          dir: join(dir, 'gateway'),
          variables,
          conf,
        };
        await Promise.race([waitFor(`${gateway.url}/health`, Date.now() + 15_000, undefined, gaveUp), exitOf(child, 'the nginx gateway', errorLog)]).catch(
          (error) => {
            throw new Error(error.message.includes('exited') ? error.message : `${error.message}: ${errorLog()}`);
          },
        );
        progress(`gateway is up on ${gateway.url} and ${gateway.tlsUrl}`);
      }
    }
  }
}

module.exports = { startStack, renderTemplate, gatewayVariables, renderGateway, SERVICES, builtEntry, findNginx };
