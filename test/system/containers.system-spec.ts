import Ajv from 'ajv';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { load, YAML11_SCHEMA } from 'js-yaml';
import * as authLib from '@app/auth';
import * as configLib from '@app/config';
import { ConfigError, serviceConfig } from '@app/config';
import * as dbLib from '@app/db';
import * as serviceClientLib from '@app/service-client';
import {
  buildContextFiles,
  copyBuildContext,
  copyInto,
  DockerIgnore,
  envFileNames,
  inStage,
  interpolate,
  parseAssignments,
  parseDockerfile,
  parseEnvFile,
  readText,
  substitute,
} from '../support/containers';
import { freePort } from '../support/spawned-service';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { userService } from '../../apps/user/src/user-service';
import { orderService } from '../../apps/order/src/order-service';
import { paymentService } from '../../apps/payment/src/payment-service';
import * as userConfigModule from '../../apps/user/src/config/user.config';
import * as orderConfigModule from '../../apps/order/src/config/order.config';
import * as paymentConfigModule from '../../apps/payment/src/config/payment.config';
import { SERVICES } from '@app/contracts';

// No Docker engine here: docker-compose.yml is checked against the Compose Specification's JSON
// schema (vendored in test/support/schemas/compose-spec.json from the `dclint` 3.1.0 npm package,
// which ships the compose-spec/compose-spec schema), its configuration against what the services
// and the gateway read, and the Dockerfile is carried out step by step on this machine.

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
const APPS = { user: userService, order: orderService, payment: paymentService } as const;
type App = keyof typeof APPS;
const PREFIX: Record<App, string> = { user: SERVICES.user.prefix, order: SERVICES.order.prefix, payment: SERVICES.payment.prefix };

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  command?: string[];
  ports?: string[];
  logging?: { driver: string; options?: Record<string, string> };
  deploy?: { resources?: { limits?: { cpus?: string | number; memory?: string } } };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const composeText = readText(join(ROOT, 'docker-compose.yml'));
const composeRaw = load(composeText, { schema: YAML11_SCHEMA }) as ComposeFile;
const envExampleText = readText(join(ROOT, '.env.example'));
// A .env copied from .env.example; the secrets are files that scripts/generate-secrets.sh makes.
const dotEnv = parseEnvFile(envExampleText);
const compose = interpolate(composeRaw, dotEnv);
const services = compose.value.services;
const secretsDir = join(mkdtempSync(join(tmpdir(), 'compose-secrets-')), 'secrets');
execFileSync('sh', [join(ROOT, 'scripts', 'generate-secrets.sh'), secretsDir], { stdio: 'ignore' });
const SECRETS = Object.fromEntries(readdirSync(secretsDir).map((name) => [name, readText(join(secretsDir, name))]));
afterAll(() => rmSync(dirname(secretsDir), { recursive: true, force: true }));

const environmentOf = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
/** The environment a service's config sees: NAME_FILE=/run/secrets/x read into NAME, as its loader does. */
const resolvedEnvironmentOf = (name: string): Record<string, string> => {
  const env = environmentOf(name);
  for (const [key, value] of Object.entries(env)) {
    const secret = /^\/run\/secrets\/(\w+)$/.exec(value)?.[1];
    if (!key.endsWith('_FILE') || !secret) continue;
    delete env[key];
    env[key.slice(0, -'_FILE'.length)] = SECRETS[secret];
  }
  return env;
};

/** The env classes behind a config factory: the file that declares it, found by its export. */
function configSources(): Map<string, string> {
  const files = [
    ...readdirSync(join(ROOT, 'libs')).flatMap((lib) => findFiles(join(ROOT, 'libs', lib, 'src'))),
    ...Object.keys(APPS).flatMap((app) => findFiles(join(ROOT, 'apps', app, 'src', 'config'))),
  ].filter((f) => f.endsWith('.config.ts'));
  const byExport = new Map<string, string>();
  for (const file of files) for (const m of readText(file).matchAll(/export const (\w+) = (?:envConfig|registerAs)\(/g)) byExport.set(m[1], file);
  return byExport;
}

function findFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? findFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

interface EnvVariable {
  name: string;
  hasDefault: boolean;
  file: string;
}

/** `NAME: type = default;` or `NAME?: type;` inside the env classes of a config file. */
function envVariables(file: string): EnvVariable[] {
  const text = readText(file);
  return [...text.matchAll(/class \w+Env \{([\s\S]*?)\n\}/g)].flatMap((cls) =>
    [...cls[1].matchAll(/^\s+([A-Z][A-Z0-9_]*)(\?)?:\s*[^;=]+?(=\s*[^;]+)?;/gm)].map((m) => ({ name: m[1], hasDefault: Boolean(m[3]), file })),
  );
}

function variablesRead(app: App): EnvVariable[] {
  const sources = configSources();
  const factories = [serviceConfig, ...APPS[app].configs];
  return factories.flatMap((factory) => {
    const name = [...sources.keys()].find((key) => configByName(key) === factory);
    if (!name) throw new Error(`no *.config.ts declares a config factory used by ${app}`);
    return envVariables(sources.get(name)!);
  });
}

const configModules: Record<string, unknown> = {
  ...configLib,
  ...authLib,
  ...dbLib,
  ...serviceClientLib,
  ...userConfigModule,
  ...orderConfigModule,
  ...paymentConfigModule,
};
const configByName = (name: string) => configModules[name];

/** Runs the service's own config factories on an environment, as its start does. */
function checkConfig(app: App, env: Record<string, string>): void {
  const saved = process.env;
  process.env = { ...env };
  try {
    for (const factory of [serviceConfig, ...APPS[app].configs] as (() => unknown)[]) factory();
  } finally {
    process.env = saved;
  }
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema, before and after interpolation', () => {
    const schema = JSON.parse(readText(join(__dirname, '..', 'support', 'schemas', 'compose-spec.json')));
    delete schema.$schema; // draft-07 under its https address, which ajv knows by the http one
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    for (const document of [composeRaw, compose.value]) {
      const valid = validate(document);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    expect(validate({ services: { user: { image: 'x', restart: 'sometimes', helthcheck: {} } } })).toBe(false);
  });

  it('needs nothing in .env: the secrets are files (test/deploy/compose-secrets.deploy-spec.ts)', () => {
    expect(compose.missing).toEqual([]);
    expect(interpolate(composeRaw, {}).missing).toEqual([]);
  });

  it('reads only variables that .env.example lists', () => {
    const listed = envFileNames(envExampleText);
    const unlisted = [...compose.variables].filter((name) => !listed.has(name)).sort();
    expect(unlisted).toEqual([]);
  });

  it.each(Object.keys(APPS) as App[])(
    'gives the %s service every variable its config reads that has no default, and all of them pass its validation',
    (app) => {
      const env = resolvedEnvironmentOf(app);
      const read = variablesRead(app);
      expect(read.length).toBeGreaterThan(10);
      const unset = read.filter((v) => !v.hasDefault && !(v.name in env)).map((v) => `${v.name} (${v.file.replace(ROOT, '')})`);
      expect(unset).toEqual([]);
      expect(() => checkConfig(app, env)).not.toThrow();
      expect(env).toMatchObject({ NODE_ENV: 'production', PORT: String(APPS[app].defaultPort), JWT_SECRET: SECRETS.jwt_secret });
      expect(env.DATABASE_URL).toMatch(new RegExp(`^postgres://${app}_service:[0-9a-f]{48}@postgres:5432/${PREFIX[app]}$`));
    },
  );

  it('sets no variable that no service reads (a typo would be silently ignored)', () => {
    const known = new Set((Object.keys(APPS) as App[]).flatMap((app) => variablesRead(app).map((v) => v.name)));
    for (const app of Object.keys(APPS) as App[]) {
      expect(Object.keys(environmentOf(app)).filter((name) => !known.has(name) && !known.has(name.replace(/_FILE$/, '')))).toEqual([]);
    }
  });

  it('passes no JWT_SECRET of .env (the published example value) to the services, and is refused without the secret file', () => {
    for (const app of Object.keys(APPS) as App[]) expect(environmentOf(app).JWT_SECRET).toBeUndefined();
    const { JWT_SECRET_FILE: _unread, ...env } = environmentOf('user');
    expect(() => checkConfig('user', env)).toThrow(ConfigError);
  });

  it('builds the three services from the one Dockerfile, each with its name as APP and its own database', () => {
    for (const app of Object.keys(APPS) as App[]) {
      expect(services[app].build).toMatchObject({ context: '.', args: { APP: app } });
      expect(services[app].build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(services[app].depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    }
    expect(services.user.depends_on?.redis).toEqual({ condition: 'service_healthy' });
    expect(resolvedEnvironmentOf('user').REDIS_URL).toBe(`redis://:${SECRETS.redis_password}@redis:6379/0`);
    const urls = Object.fromEntries((Object.keys(APPS) as App[]).map((app) => [app, environmentOf(app)]));
    for (const env of Object.values(urls)) {
      expect(env).toMatchObject({
        USER_SERVICE_URL: `http://user:${SERVICES.user.port}`,
        ORDER_SERVICE_URL: `http://order:${SERVICES.order.port}`,
        PAYMENT_SERVICE_URL: `http://payment:${SERVICES.payment.port}`,
      });
    }
  });

  it('gives the gateway every ${VAR} its template uses, with the same defaults as npm start', () => {
    const template = readText(join(ROOT, 'nginx', 'templates', 'gateway.conf.template'));
    const directives = template.replace(/^\s*#.*$/gm, '');
    const used = new Set([...directives.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1]));
    const env = environmentOf('nginx');
    expect([...used].filter((name) => !(name in env))).toEqual([]);
    expect(env).toMatchObject({
      GATEWAY_PORT: '80',
      GATEWAY_TLS_PORT: '443',
      GATEWAY_STATUS_LISTEN: '8081',
      GATEWAY_INTERNAL_LISTEN: '127.0.0.1:8082',
      GATEWAY_ACCESS_LOG: '/dev/stdout',
      GATEWAY_METRICS_LOG: 'syslog:server=mtail:5514,tag=gateway,nohostname',
      GATEWAY_METRICS_ENABLED: '1',
      GATEWAY_RATE_LIMIT: '10r/s',
      GATEWAY_RATE_BURST: '20',
      GATEWAY_LOGIN_RATE_LIMIT: '2r/s',
      GATEWAY_LOGIN_RATE_BURST: '5',
      GATEWAY_BODY_LIMIT: '100k',
      GATEWAY_CONN_LIMIT: '100',
      GATEWAY_CLIENT_TIMEOUT: '10s',
      GATEWAY_HTTPS_REDIRECT: 'on',
      GATEWAY_REAL_IP_FROM: '',
    });
    // Each upstream re-resolves its service through Docker's DNS, so a recreated container is found.
    for (const app of Object.keys(APPS) as App[]) {
      expect(env[`${app.toUpperCase()}_UPSTREAM_SERVERS`]).toBe(
        `zone ${app}_service 64k; resolver 127.0.0.11 valid=5s; server ${app}:${APPS[app].defaultPort} resolve max_fails=3 fail_timeout=10s;`,
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { gatewayVariables } = require('../../scripts/stack') as typeof import('../../scripts/stack');
    const local = gatewayVariables({}, { user: '', order: '', payment: '' }, '/tmp');
    for (const name of [
      'GATEWAY_RATE_LIMIT',
      'GATEWAY_RATE_BURST',
      'GATEWAY_LOGIN_RATE_LIMIT',
      'GATEWAY_LOGIN_RATE_BURST',
      'GATEWAY_BODY_LIMIT',
      'GATEWAY_RATE_LIMIT_ENABLED',
      'GATEWAY_CONN_LIMIT',
      'GATEWAY_CLIENT_TIMEOUT',
    ]) {
      expect(`${name}=${env[name]}`).toBe(`${name}=${local[name]}`);
    }
    const volumes = services.nginx.volumes ?? [];
    expect(volumes).toContain('./nginx/templates:/etc/nginx/templates:ro');
    expect(volumes.some((v) => v.startsWith(`./nginx/html:${env.GATEWAY_HTML_ROOT}`))).toBe(true);
    expect(volumes.some((v) => v.startsWith(`gateway-certs:${dirname(env.GATEWAY_TLS_CERT)}`))).toBe(true);
    expect(services.nginx.depends_on?.['gateway-cert']).toEqual({ condition: 'service_completed_successfully' });
    expect(services.nginx.ports).toEqual(['80:80', '443:443']);
    expect(services['nginx-exporter'].command).toEqual([`--nginx.scrape-uri=http://nginx:${env.GATEWAY_STATUS_LISTEN}/stub_status`]);
    expect(template).toMatch(/listen \$\{GATEWAY_STATUS_LISTEN\};[\s\S]*location = \/stub_status/);
  });

  it('rotates the log of every container and limits its CPU and memory', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(`${name}: ${JSON.stringify(service.logging)}`).toBe(
        `${name}: ${JSON.stringify({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } })}`,
      );
      const limits = service.deploy?.resources?.limits ?? {};
      expect(`${name}: cpus ${Number(limits.cpus) > 0}, memory ${/^\d+[MG]$/.test(limits.memory ?? '')}`).toBe(`${name}: cpus true, memory true`);
    }
  });

  it('makes the gateway certificate without a network or a package install, and runs the nginx version Kubernetes runs', () => {
    const cert = services['gateway-cert'] as ComposeService & { entrypoint?: string[]; network_mode?: string };
    expect(cert.network_mode).toBe('none');
    expect(cert.image).toBe(services.postgres.image);
    expect(JSON.stringify([cert.entrypoint, cert.command])).not.toMatch(/apk|apt-get|curl|wget/);
    expect(cert.entrypoint).toEqual(['sh', '/scripts/generate-cert.sh', '/certs']);
    const k8sGateway = readText(join(ROOT, 'deploy/k8s/base/gateway/gateway.yaml'));
    const k8sImage = /image: (?:docker\.io\/library\/)?(nginx:\S+)/.exec(k8sGateway)?.[1];
    expect(services.nginx.image).toBe(k8sImage);
    // `resolve` in an upstream needs nginx 1.27.3 or newer.
    const [major, minor, patch] = /^nginx:(\d+)\.(\d+)\.(\d+)/
      .exec(services.nginx.image ?? '')!
      .slice(1)
      .map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(1_027_003);
  });

  it('generates the certificate with nothing but the openssl command, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certs-'));
    try {
      const first = await run('sh', [join(ROOT, 'nginx/generate-cert.sh'), dir], { env: { PATH: process.env.PATH } });
      expect(first.stdout).toContain('generated');
      expect(readdirSync(dir).sort()).toEqual(['gateway.crt', 'gateway.key']);
      const second = await run('sh', [join(ROOT, 'nginx/generate-cert.sh'), dir], { env: { PATH: process.env.PATH } });
      expect(second.stdout).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits only on health checks that exist, mounts only files that exist, and declares its named volumes', () => {
    const dockerfileHasHealthcheck = /^HEALTHCHECK /m.test(readText(join(ROOT, 'Dockerfile')));
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dependency]).toBeDefined();
        if (condition === 'service_healthy') {
          const target = services[dependency];
          expect(`${name} -> ${dependency}: ${Boolean(target.healthcheck || (target.build && dockerfileHasHealthcheck))}`).toBe(
            `${name} -> ${dependency}: true`,
          );
        }
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.')) expect(`${source} ${existsSync(join(ROOT, source))}`).toBe(`${source} true`);
        else expect(Object.keys(compose.value.volumes ?? {})).toContain(source);
      }
    }
  });

  it('scrapes with Prometheus what the services and the exporter serve, and provisions Grafana from folders that exist', () => {
    const prometheus = load(readText(join(ROOT, 'monitoring', 'prometheus.yml'))) as {
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = Object.fromEntries(prometheus.scrape_configs.map((c) => [c.job_name, c.static_configs.flatMap((s) => s.targets)]));
    expect(targets).toEqual({
      user: [`user:${SERVICES.user.port}`],
      order: [`order:${SERVICES.order.port}`],
      payment: [`payment:${SERVICES.payment.port}`],
      nginx: ['nginx-exporter:9113'],
      gateway: ['mtail:3903'],
      alertmanager: ['alertmanager:9093'],
      prometheus: ['localhost:9090'],
    });
    for (const app of Object.keys(APPS) as App[]) expect(targets[app]).toEqual([`${app}:${environmentOf(app).PORT}`]);
    const promVolumes = services.prometheus.volumes ?? [];
    for (const file of ['prometheus.yml', ...prometheus.rule_files]) expect(promVolumes).toContain(`./monitoring/${file}:/etc/prometheus/${file}:ro`);
    // Alerts reach the Alertmanager the stack runs, with the shipped routes, and its receivers reach the alert log.
    expect(prometheus.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets))).toEqual(['alertmanager:9093']);
    expect(services.alertmanager.volumes).toContain('./monitoring/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro');
    const alertmanager = load(readText(join(ROOT, 'monitoring', 'alertmanager.yml'))) as { receivers: { name: string; webhook_configs: { url: string }[] }[] };
    // The gateway's metrics log reaches mtail, which runs the shipped program and serves what Prometheus scrapes.
    expect(services.mtail.volumes).toContain('./monitoring/mtail:/etc/mtail:ro');
    expect(services.mtail.command).toEqual(expect.arrayContaining(['udp://0.0.0.0:5514', '3903']));
    for (const receiver of alertmanager.receivers) {
      for (const hook of receiver.webhook_configs) expect(new URL(hook.url).host).toBe(`alert-log:${services['alert-log'].environment!.HTTP_PORT}`);
    }

    const grafanaVolumes = services.grafana.volumes ?? [];
    const mountOf = (source: string) => grafanaVolumes.find((v) => v.startsWith(`${source}:`))?.split(':')[1];
    const provider = load(readText(join(ROOT, 'monitoring/grafana/provisioning/dashboards/dashboards.yml'))) as { providers: { options: { path: string } }[] };
    expect(mountOf('./monitoring/grafana/dashboards')).toBe(provider.providers[0].options.path);
    expect(mountOf('./monitoring/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    expect(readdirSync(join(ROOT, 'monitoring/grafana/dashboards')).sort()).toEqual(['business.json', 'overview.json', 'runtime.json']);
    const datasource = load(readText(join(ROOT, 'monitoring/grafana/provisioning/datasources/prometheus.yml'))) as {
      datasources: { uid: string; url: string }[];
    };
    expect(datasource.datasources[0].url).toBe('http://prometheus:9090');
    expect(environmentOf('grafana').GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana_admin_password');
  });
});

// docker/postgres/init-databases.sh runs on the real PostgreSQL in test/deploy/database-roles.deploy-spec.ts.

describe('Dockerfile, carried out on this machine for the payment service', () => {
  const APP: App = 'payment';
  const stages = parseDockerfile(readText(join(ROOT, 'Dockerfile')));
  const final = stages[stages.length - 1];
  let scratch: string;
  let database: TestDatabase;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'dockerfile-'));
    database = await createTestDatabase('image');
  });

  afterAll(async () => {
    await database?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('has the build, prod-deps and final stages on node:24, a non-root user, a health check and an exec-form command', () => {
    expect(stages.map((s) => [s.base, s.name])).toEqual([
      ['node:24-bookworm-slim', 'build'],
      ['node:24-bookworm-slim', 'prod-deps'],
      ['node:24-bookworm-slim', undefined],
    ]);
    const keywords = (stage: (typeof stages)[number]) => stage.instructions.map((i) => i.keyword);
    expect(stages[0].instructions.filter((i) => i.keyword === 'RUN').map((i) => i.rest)).toEqual([
      expect.stringMatching(/^npm ci\b/),
      expect.stringMatching(/npx nest build "\$APP"$/),
    ]);
    expect(stages[1].instructions.filter((i) => i.keyword === 'RUN').map((i) => i.rest)).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
    expect(keywords(final)).toContain('USER');
    expect(final.instructions.find((i) => i.keyword === 'USER')?.rest).toBe('node');
    expect(final.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.exec?.[0]).toBe('node');
    expect(final.instructions.find((i) => i.keyword === 'CMD')?.exec).toEqual(['node', '--enable-source-maps', '--require', './tracing.js', 'main.js']);
    expect(keywords(final)).not.toContain('ENTRYPOINT');
    expect(final.instructions.filter((i) => i.keyword === 'COPY').every((i) => i.flags.from)).toBe(true);
  });

  it('installs the dependencies in layers the three images share, with a BuildKit cache for npm, and labels the image', () => {
    const position = (stage: (typeof stages)[number], match: (i: (typeof stage.instructions)[number]) => boolean) => stage.instructions.findIndex(match);
    const appArg = (i: { keyword: string; rest: string }) => i.keyword === 'ARG' && /^APP\b/.test(i.rest);
    for (const stage of stages.slice(0, 2)) {
      const install = stage.instructions.find((i) => i.keyword === 'RUN' && i.rest.startsWith('npm ci'))!;
      expect(install.flags.mount).toMatch(/^type=cache,target=\/root\/\.npm\b/);
    }
    // Everything before `ARG APP` (and before any use of it) is identical for user, order and payment.
    expect(position(stages[0], appArg)).toBeGreaterThan(position(stages[0], (i) => i.rest.startsWith('npm ci')));
    expect(position(stages[1], appArg)).toBe(-1);
    expect(position(final, appArg)).toBeGreaterThan(position(final, (i) => i.keyword === 'COPY' && i.flags.from === 'prod-deps'));
    for (const stage of stages) {
      const firstUse = position(stage, (i) => /\$\{?APP\b/.test(i.rest) && !appArg(i));
      if (firstUse >= 0) expect(position(stage, appArg)).toBeLessThan(firstUse);
    }
    const labels = final.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => [...i.rest.matchAll(/(?:^|\s)([a-z][\w.-]*)=/g)].map((m) => m[1]));
    expect(labels).toEqual(
      expect.arrayContaining([
        'org.opencontainers.image.source',
        'org.opencontainers.image.version',
        'org.opencontainers.image.revision',
        'org.opencontainers.image.licenses',
      ]),
    );
  });

  it(
    'builds in a scratch folder from the files .dockerignore lets through, and the final layout serves /payments/health, passes its HEALTHCHECK and exits 0 on SIGTERM',
    async () => {
      const ignore = new DockerIgnore(readText(join(ROOT, '.dockerignore')));
      const files = buildContextFiles(ROOT, ignore);
      expect(files).toEqual(
        expect.arrayContaining([
          'package.json',
          'package-lock.json',
          'nest-cli.json',
          'tsconfig.json',
          'apps/payment/src/main.ts',
          'libs/bootstrap/src/index.ts',
        ]),
      );
      expect(
        files.filter(
          (f) =>
            /^(node_modules|dist|\.git|\.data|\.run|test|monitoring|nginx)\//.test(f) ||
            /(^|\/)\.env$/.test(f) ||
            /\.spec\.ts$/.test(f) ||
            /^apps\/[^/]+\/test\//.test(f),
        ),
      ).toEqual([]);
      const context = join(scratch, 'context');
      copyBuildContext(ROOT, context, files);

      // The image's node and npm are Node 24's: this machine's Node 24 stands in for them.
      const path = [dirname(process.execPath), ...(process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules'))].join(delimiter);
      // This machine's network settings (proxy, CA certificates, npm's cache and registry), but none
      // of the variables npm set for this test run: npm_config_local_prefix would send `npm ci` to the repository.
      const keepNpm = new Set(['npm_config_cafile', 'npm_config_globalconfig', 'npm_config_userconfig', 'npm_config_cache', 'npm_config_registry']);
      const buildEnv = Object.fromEntries(
        Object.entries(process.env).filter(
          ([name]) => (!/^npm_/i.test(name) || keepNpm.has(name)) && !['INIT_CWD', 'NODE', 'NODE_ENV', 'NODE_OPTIONS'].includes(name),
        ),
      );
      const roots: Record<string, string> = {};
      let finalState: { root: string; workdir: string; env: Record<string, string>; user?: string } | undefined;
      for (const [index, stage] of stages.entries()) {
        const root = join(scratch, `stage-${stage.name ?? index}`);
        roots[stage.name ?? String(index)] = root;
        let workdir = '/';
        const vars: Record<string, string> = {};
        const env: Record<string, string> = {};
        let user: string | undefined;
        for (const instruction of stage.instructions) {
          const text = substitute(instruction.rest, vars);
          switch (instruction.keyword) {
            case 'ARG':
              for (const [name, fallback] of parseAssignments(instruction.rest)) vars[name] = name === 'APP' ? APP : (fallback ?? '');
              break;
            case 'ENV':
              for (const [name, value] of parseAssignments(text)) vars[name] = env[name] = value ?? '';
              break;
            case 'WORKDIR':
              workdir = text;
              break;
            case 'COPY': {
              const parts = text.split(' ');
              const destination = parts.pop()!;
              const from = instruction.flags.from;
              const sources = parts.map((p) => (from ? inStage(roots[from], '/', p) : join(context, p)));
              copyInto(sources, inStage(root, workdir, destination), destination.endsWith('/') || sources.length > 1);
              break;
            }
            case 'RUN': {
              const cwd = inStage(root, workdir, '.');
              await run('sh', ['-c', instruction.rest], { cwd, env: { ...buildEnv, PATH: path, ...vars }, maxBuffer: 64 * 1024 * 1024 });
              break;
            }
            case 'USER':
              user = text;
              break;
            case 'HEALTHCHECK':
            case 'CMD':
            case 'EXPOSE':
            case 'LABEL':
              break;
            default:
              throw new Error(`this check does not know ${instruction.keyword}: teach it before using it in the Dockerfile`);
          }
        }
        finalState = { root, workdir, env, user };
      }

      const { root, workdir, env } = finalState!;
      const app = inStage(root, workdir, '.');
      // Production node_modules and the one service's build, nothing else.
      expect(readdirSync(app).sort()).toEqual(['dist', 'main.js', 'node_modules', 'tracing.js']);
      expect(readdirSync(join(app, 'dist', 'apps'))).toEqual([APP]);
      expect(realpathSync(join(app, 'main.js'))).toBe(realpathSync(join(app, 'dist/apps/payment/apps/payment/src/main.js')));
      expect(readlinkSync(join(app, 'main.js'))).toBe('dist/apps/payment/apps/payment/src/main.js');
      // The OpenTelemetry preload, loaded by CMD before the service (it starts nothing without OTEL_EXPORTER_OTLP_ENDPOINT).
      expect(realpathSync(join(app, 'tracing.js'))).toBe(realpathSync(join(app, 'dist/apps/payment/libs/tracing/src/preload.js')));
      // No compiler (a peer of @nestjs/swagger for its build-time plugin) and no embedded database.
      for (const devOnly of [
        '@nestjs/cli',
        '@nestjs/testing',
        'jest',
        '@swc/core',
        'node',
        'playwright-core',
        'supertest',
        'typescript',
        '@electric-sql/pglite',
      ])
        expect(`${devOnly}: ${existsSync(join(app, 'node_modules', devOnly))}`).toBe(`${devOnly}: false`);
      expect(existsSync(join(app, 'dist/apps/payment/apps/payment/src/main.js.map'))).toBe(true);
      expect(env).toMatchObject({ NODE_ENV: 'production', APP });

      const port = await freePort();
      const runtimeEnv = {
        PATH: path,
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        JWT_SECRET: randomBytes(36).toString('base64'),
        DATABASE_URL: database.url,
      };
      expect(runtimeEnv.JWT_SECRET).toHaveLength(48);
      const [command, ...args] = final.instructions.find((i) => i.keyword === 'CMD')!.exec!;
      expect(command).toBe('node');
      const child = spawn(process.execPath, args, { cwd: app, env: runtimeEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const deadline = Date.now() + 60_000;
        let status = 0;
        while (Date.now() < deadline && child.exitCode === null) {
          status = await fetch(`http://127.0.0.1:${port}/${PREFIX[APP]}/health`).then(
            (r) => r.status,
            () => 0,
          );
          if (status === 200) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(`${status} ${status === 200 ? '' : output}`).toBe('200 ');
        const [, ...healthArgs] = final.instructions.find((i) => i.keyword === 'HEALTHCHECK')!.exec!;
        await expect(run(process.execPath, healthArgs, { cwd: app, env: runtimeEnv })).resolves.toBeDefined();
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        // With the service gone the same health check fails, as Docker would mark it unhealthy.
        await expect(run(process.execPath, healthArgs, { cwd: app, env: runtimeEnv })).rejects.toMatchObject({ code: 1 });
        // Without DATABASE_URL the image has no embedded database to fall back on, and says so.
        const { DATABASE_URL: _, ...withoutDatabase } = runtimeEnv;
        const refused = await run(process.execPath, args, { cwd: app, env: withoutDatabase, timeout: 30_000 }).then(
          () => ({ stdout: 'started', stderr: '' }),
          (error: { stdout: string; stderr: string }) => error,
        );
        expect(`${refused.stdout}${refused.stderr}`).toContain('set DATABASE_URL');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    12 * 60_000,
  );
});
