import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump, load } from 'js-yaml';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { bearer, registerAndLogin } from '../support/accounts';
import { freePort } from '../support/spawned-service';
import { RunningStack, startSystemStack } from '../support/system-stack';
import { eventually } from '../support/eventually';

// The monitoring/ configuration against a real Prometheus (Debian's /usr/bin/prometheus) scraping
// the system as `npm start` runs it, and the nginx exporter (Debian package
// prometheus-nginx-exporter) reading the gateway's stub_status.

const ROOT = join(__dirname, '..', '..');
const MONITORING = join(ROOT, 'monitoring');
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const NGINX_EXPORTER = '/usr/bin/prometheus-nginx-exporter';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const AMTOOL = '/usr/bin/amtool';
const MTAIL = '/usr/bin/mtail';
const run = promisify(execFile);

interface Target {
  expr: string;
  refId: string;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; datasource?: { uid: string }; definition?: string; allValue?: string }[] };
}
interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
}

const DASHBOARDS = ['overview', 'business', 'runtime'].map((name) => ({
  file: `${name}.json`,
  json: JSON.parse(readFileSync(join(MONITORING, 'grafana', 'dashboards', `${name}.json`), 'utf8')) as Dashboard,
}));
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const PANELS = DASHBOARDS.flatMap(({ file, json }) =>
  allPanels(json.panels)
    .filter((p) => p.type !== 'row')
    .map((panel) => ({ file, dashboard: json, panel })),
);
const QUERIES = PANELS.flatMap(({ file, dashboard, panel }) => (panel.targets ?? []).map((target) => ({ file, dashboard, panel, target })));
interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}
const RULE_FILES = (load(readFileSync(join(MONITORING, 'prometheus.yml'), 'utf8')) as PrometheusConfig).rule_files;
const RULES = RULE_FILES.flatMap((file) =>
  (load(readFileSync(join(MONITORING, file), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules),
);
const ALERTS = RULES.filter((r): r is Rule & { alert: string } => Boolean(r.alert));
const RUNBOOKS = readFileSync(join(MONITORING, 'runbooks.md'), 'utf8');
const DATASOURCE_UID = (
  load(readFileSync(join(MONITORING, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as { datasources: { uid: string }[] }
).datasources[0].uid;

/** Grafana's own variables, and the dashboard's with "All" selected (their allValue), as Grafana would send them. */
const GRAFANA_VARIABLES: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '1h' };
function expand(expr: string, dashboard: Dashboard): string {
  const variables = { ...GRAFANA_VARIABLES, ...Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v.allValue ?? '.*'])) };
  return expr.replace(/\$\{?(\w+)\}?/g, (match, name: string) => {
    if (!(name in variables)) throw new Error(`unknown dashboard variable ${match} in ${expr}`);
    return variables[name];
  });
}

function startProcess(binary: string, args: string[], output: string[]): ChildProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  return child;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}

describe('monitoring/ against a real Prometheus scraping the running system', () => {
  let system: RunningStack;
  let gw: TestAgent;
  let dir: string;
  let prometheusUrl: string;
  let prometheus: ChildProcess | undefined;
  let exporter: ChildProcess | undefined;
  let alertmanager: ChildProcess | undefined;
  let mtail: ChildProcess | undefined;
  let receiver: Server | undefined;
  /** Notifications Alertmanager sent, by receiver path (/page, /ticket, /heartbeat). */
  const notifications: { path: string; body: { receiver: string; alerts: { labels: Record<string, string> }[] } }[] = [];
  const output: string[] = [];

  const query = async (promql: string) => {
    const res = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: promql }).toString()}`);
    return (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown[] | [number, string] } };
  };
  const targetsUp = async () => {
    type Targets = { data: { activeTargets: { labels: { job: string }; health: string; lastError: string; lastScrape: string }[] } };
    return ((await (await fetch(`${prometheusUrl}/api/v1/targets`)).json()) as Targets).data.activeTargets;
  };
  const seriesCount = (answer: Awaited<ReturnType<typeof query>>) =>
    answer.status !== 'success' ? -1 : answer.data!.resultType === 'scalar' ? 1 : (answer.data!.result as unknown[]).length;

  beforeAll(async () => {
    for (const binary of [PROMETHEUS, PROMTOOL, NGINX_EXPORTER, ALERTMANAGER, AMTOOL, MTAIL]) {
      if (!existsSync(binary)) throw new Error(`${binary} is missing: apt-get install prometheus prometheus-nginx-exporter prometheus-alertmanager mtail`);
    }
    dir = mkdtempSync(join(tmpdir(), 'observability-'));
    // Payments with methods other than test_* always complete, so every series below is deterministic.
    // mtail with the shipped program, receiving the gateway's metrics log as compose wires it.
    const [mtailPort, mtailSyslogPort] = await Promise.all([freePort(), freePort()]);
    mtail = startProcess(
      MTAIL,
      [
        '--progs',
        join(MONITORING, 'mtail'),
        '--logs',
        `udp://127.0.0.1:${mtailSyslogPort}`,
        '--address',
        '127.0.0.1',
        '--port',
        String(mtailPort),
        '--emit_prog_label=false',
        '--logtostderr',
      ],
      output,
    );
    system = await startSystemStack({
      env: {
        PAYMENT_DECLINE_RATE: '0',
        GATEWAY_METRICS_ENABLED: '1',
        GATEWAY_METRICS_LOG: `syslog:server=127.0.0.1:${mtailSyslogPort},tag=gateway,nohostname`,
      },
    });
    gw = request(system.gatewayUrl);

    const [exporterPort, prometheusPort, alertmanagerPort, receiverPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    // The receivers' edge: the shipped alertmanager.yml with its webhooks pointed here.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += String(chunk)));
      req.on('end', () => {
        notifications.push({ path: req.url ?? '', body: JSON.parse(body) });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver!.listen(receiverPort, '127.0.0.1', resolve));
    const shippedAlertmanager = load(readFileSync(join(MONITORING, 'alertmanager.yml'), 'utf8')) as { receivers: { webhook_configs: { url: string }[] }[] };
    for (const r of shippedAlertmanager.receivers) {
      for (const hook of r.webhook_configs) hook.url = hook.url.replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${receiverPort}`);
    }
    writeFileSync(join(dir, 'alertmanager.yml'), dump(shippedAlertmanager));
    alertmanager = startProcess(
      ALERTMANAGER,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      output,
    );
    const statusListen = system.stack.gateway!.variables.GATEWAY_STATUS_LISTEN;
    exporter = startProcess(NGINX_EXPORTER, [`-nginx.scrape-uri=http://${statusListen}/stub_status`, `-web.listen-address=127.0.0.1:${exporterPort}`], output);

    // The shipped prometheus.yml with its targets moved to this machine, scraping every second.
    const shipped = load(readFileSync(join(MONITORING, 'prometheus.yml'), 'utf8')) as PrometheusConfig;
    const local: Record<string, string> = {
      user: `127.0.0.1:${system.stack.instances.user[0].port}`,
      order: `127.0.0.1:${system.stack.instances.order[0].port}`,
      payment: `127.0.0.1:${system.stack.instances.payment[0].port}`,
      nginx: `127.0.0.1:${exporterPort}`,
      gateway: `127.0.0.1:${mtailPort}`,
      alertmanager: `127.0.0.1:${alertmanagerPort}`,
      prometheus: `127.0.0.1:${prometheusPort}`,
    };
    expect(shipped.scrape_configs.map((c) => c.job_name).sort()).toEqual(Object.keys(local).sort());
    const config: PrometheusConfig = {
      ...shipped,
      global: { ...shipped.global, scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      rule_files: shipped.rule_files.map((file) => join(MONITORING, file)),
      scrape_configs: shipped.scrape_configs.map((c) => ({ ...c, static_configs: [{ targets: [local[c.job_name]] }] })),
      alerting: { alertmanagers: [{ static_configs: [{ targets: [local.alertmanager] }] }] },
    };
    writeFileSync(join(dir, 'prometheus.yml'), dump(config));
    await run(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')]);
    prometheus = startProcess(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
        '--log.level=warn',
      ],
      output,
    );
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    await eventually(
      () =>
        fetch(`${prometheusUrl}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      Boolean,
      { what: () => `Prometheus ready:\n${output.join('')}`, timeoutMs: 30_000, pauseMs: 500 },
    );

    // Prometheus applies its targets a few seconds after it is ready: traffic before the first scrape would be invisible to rates.
    await eventually(targetsUp, (targets) => targets.length === 7 && targets.every((t) => t.health === 'up'), {
      what: () => `every target up:\n${output.join('')}`,
      timeoutMs: 30_000,
      pauseMs: 500,
    });

    // Two rounds of traffic, each followed by two scrapes of every target: every counter then has a
    // sample before and after an increase, so rates see it (a series is born with its first increment).
    const scrapedTwiceSince = async (since: number) => {
      const once = await eventually(targetsUp, (targets) => targets.every((t) => Date.parse(t.lastScrape) > since), {
        what: 'every target scraped',
        timeoutMs: 30_000,
        pauseMs: 250,
      });
      const firstScrape = Math.max(...once.map((t) => Date.parse(t.lastScrape)));
      await eventually(targetsUp, (targets) => targets.every((t) => Date.parse(t.lastScrape) > firstScrape), {
        what: 'every target scraped again',
        timeoutMs: 30_000,
        pauseMs: 250,
      });
    };
    for (let round = 0; round < 2; round++) {
      await driveTraffic(gw);
      await scrapedTwiceSince(Date.now());
    }
  }, 180_000);

  afterAll(async () => {
    await stopProcess(prometheus);
    await stopProcess(exporter);
    await stopProcess(alertmanager);
    await stopProcess(mtail);
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
    await system?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`passes promtool check config and check rules for ${RULE_FILES.join(' and ')}, and the rule unit tests beside each`, async () => {
    const config = await run(PROMTOOL, ['check', 'config', join(MONITORING, 'prometheus.yml')]);
    expect(config.stdout).toMatch(/SUCCESS/);
    const rules = await run(PROMTOOL, ['check', 'rules', ...RULE_FILES.map((file) => join(MONITORING, file))]);
    expect(rules.stdout.match(/SUCCESS: (\d+) rules found/g)?.reduce((sum, line) => sum + Number(/\d+/.exec(line)![0]), 0)).toBe(RULES.length);
    for (const file of RULE_FILES) {
      const tests = await run(PROMTOOL, ['test', 'rules', file.replace(/\.yml$/, '.test.yml')], { cwd: MONITORING });
      expect(tests.stdout).toMatch(/SUCCESS/);
    }
  });

  it(`gives each of the ${ALERTS.length} alert rules a summary, a description and a runbook that exists`, () => {
    for (const rule of ALERTS) {
      const { summary, description, runbook_url: runbook } = rule.annotations ?? {};
      expect(`${rule.alert}: ${Boolean(summary && description)} ${runbook}`).toBe(`${rule.alert}: true monitoring/runbooks.md#${rule.alert.toLowerCase()}`);
      expect(RUNBOOKS).toMatch(new RegExp(`^## ${rule.alert}$`, 'm'));
    }
    expect(ALERTS.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'ServiceDown',
        'ErrorBudgetBurn',
        'LatencyBudgetBurn',
        'PaymentOutboxBacklog',
        'DatabasePoolSaturated',
        'EventLoopLagHigh',
        'CircuitBreakerOpen',
      ]),
    );
  });

  it("counts the gateway's answers by status and by who gave them: its own 404s and 413s apart from the services' answers", async () => {
    const counted = async () => {
      const answer = await query('sum by (status_code, origin) (gateway_http_responses_total)');
      return Object.fromEntries(
        ((answer.data?.result ?? []) as { metric: { status_code: string; origin: string }; value: [number, string] }[]).map((r) => [
          `${r.metric.status_code} ${r.metric.origin}`,
          Number(r.value[1]),
        ]),
      );
    };
    const before = await counted();
    // The gateway closes /metrics itself and refuses bodies over its limit before any service sees
    // them (the system stack turns rate limiting off; its 429s are counted the same way, as
    // alerts.test.yml shows).
    await gw.get('/metrics').expect(404);
    const tooLarge = 3;
    for (let i = 0; i < tooLarge; i++) {
      await gw
        .post('/users/login')
        .set('Content-Type', 'application/json')
        .send(`{"username":"${'x'.repeat(200_000)}"}`)
        .expect(413);
    }
    const after = await eventually(counted, (c) => (c['413 gateway'] ?? 0) - (before['413 gateway'] ?? 0) >= tooLarge, { timeoutMs: 30_000, pauseMs: 500 });
    expect((after['413 gateway'] ?? 0) - (before['413 gateway'] ?? 0)).toBe(tooLarge);
    expect(after['413 upstream']).toBeUndefined();
    expect(after['200 upstream']).toBeGreaterThan(0);
    expect(after['201 upstream']).toBeGreaterThan(0);
    expect(after['404 upstream']).toBeGreaterThan(0);
    expect(after['404 gateway'] ?? 0).toBeGreaterThan(0);
    expect(after['401 upstream']).toBeGreaterThan(0);
  });

  it('records the objectives for the three services from real traffic, leaving health probes and scrapes out', async () => {
    const services = async (promql: string) =>
      ((await query(promql)).data?.result as { metric: { service: string } }[] | undefined)?.map((r) => r.metric.service).sort() ?? [];
    await eventually(
      () => services('service:slo_requests:rate5m > 0'),
      (found) => found.length === 3,
      { timeoutMs: 30_000, pauseMs: 500 },
    );
    expect(await services('service:slo_requests:rate5m > 0')).toEqual(['order', 'payment', 'user']);
    expect(await services('service:slo_error_ratio:ratio_rate5m >= 0')).toEqual(['order', 'payment', 'user']);
    expect(await services('service:slo_slow_ratio:ratio_rate5m >= 0')).toEqual(['order', 'payment', 'user']);
    // The objectives count what users asked: fewer requests than the services answered in all.
    const all = await query('sum by (service) (rate(http_requests_total[5m])) - on (service) service:slo_requests:rate5m');
    for (const sample of all.data!.result as { value: [number, string] }[]) expect(Number(sample.value[1])).toBeGreaterThan(0);
  });

  it('publishes the saturation metrics each alert reads: database pools of the three services, the password-hashing queue, the payment outbox', async () => {
    const services = async (promql: string) =>
      ((await query(promql)).data?.result as { metric: { service: string } }[] | undefined)?.map((r) => r.metric.service).sort() ?? [];
    expect(await services('db_pool_waiting_clients')).toEqual(['order', 'payment', 'user']);
    expect(await services('db_pool_clients{state="max"} > 0')).toEqual(['order', 'payment', 'user']);
    expect(await services('nodejs_eventloop_lag_p99_seconds')).toEqual(['order', 'payment', 'user']);
    expect(await services('payment_outbox_oldest_undelivered_age_seconds')).toEqual(['payment']);
    expect(await services('password_hash_queue_length')).toEqual(['user']);
    expect(await services('password_hash_rejected_total')).toEqual(['user', 'user']);
    expect(await services('order_reconciliation_findings_total')).toEqual(expect.arrayContaining(['order']));
  });

  it('scrapes every target: the three services, the nginx exporter and Prometheus itself', async () => {
    const targets = await targetsUp();
    expect(targets.map((t) => `${t.labels.job} ${t.health} ${t.lastError}`).sort()).toEqual([
      'alertmanager up ',
      'gateway up ',
      'nginx up ',
      'order up ',
      'payment up ',
      'prometheus up ',
      'user up ',
    ]);
    const nginxUp = await query('nginx_up');
    expect(nginxUp.data?.result).toEqual([expect.objectContaining({ value: [expect.any(Number), '1'] })]);
  });

  it(`loads all ${RULES.length} rules (${ALERTS.length} alerts) from the shipped rule files and evaluates each without error`, async () => {
    type Rules = { data: { groups: { name: string; rules: { name: string; health: string; lastError?: string; type: string }[] }[] } };
    const loaded = await eventually(
      async () => ((await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as Rules).data.groups.flatMap((g) => g.rules),
      (rules) => rules.length === RULES.length && rules.every((r) => r.health === 'ok'),
      { timeoutMs: 30_000, pauseMs: 500 },
    );
    expect(loaded.map((r) => `${r.name} ${r.type} ${r.health} ${r.lastError ?? ''}`.trim()).sort()).toEqual(
      RULES.map((r) => (r.alert ? `${r.alert} alerting ok` : `${r.record} recording ok`)).sort(),
    );
    // A healthy system: the availability alerts are quiet.
    type Alerts = { data: { alerts: { labels: { alertname: string } }[] } };
    const active = ((await (await fetch(`${prometheusUrl}/api/v1/alerts`)).json()) as Alerts).data.alerts.map((a) => a.labels.alertname);
    expect(active).not.toContain('ServiceDown');
    expect(active).not.toContain('GatewayDown');
  });

  it(`uses the provisioned datasource (uid "${DATASOURCE_UID}") in every one of the ${PANELS.length} panels of the ${DASHBOARDS.length} dashboards`, () => {
    expect(DASHBOARDS.map((d) => d.json.uid).sort()).toEqual(['nest-commerce-business', 'nest-commerce-overview', 'nest-commerce-runtime']);
    for (const { file, panel } of PANELS) {
      expect(`${file} "${panel.title}" ${panel.datasource?.uid}`).toBe(`${file} "${panel.title}" ${DATASOURCE_UID}`);
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(`${file} "${panel.title}" ${target.refId} ${target.datasource?.uid}`).toBe(`${file} "${panel.title}" ${target.refId} ${DATASOURCE_UID}`);
    }
    for (const { json } of DASHBOARDS) {
      const ids = allPanels(json.panels).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const variable of json.templating.list) expect(variable.datasource?.uid).toBe(DATASOURCE_UID);
    }
  });

  it("finds the three services for the dashboards' service variable", async () => {
    const definitions = DASHBOARDS.flatMap((d) => d.json.templating.list.map((v) => v.definition));
    expect(new Set(definitions)).toEqual(new Set(['label_values(http_requests_total, service)']));
    const res = (await (
      await fetch(`${prometheusUrl}/api/v1/label/service/values?${new URLSearchParams({ 'match[]': 'http_requests_total' }).toString()}`)
    ).json()) as {
      data: string[];
    };
    expect(res.data.sort()).toEqual(['order', 'payment', 'user']);
  });

  it(`evaluates every one of the ${QUERIES.length} queries of the ${PANELS.length} dashboard panels without error, each returning data`, async () => {
    const answers = await eventually(
      () =>
        Promise.all(
          QUERIES.map(async ({ file, dashboard, panel, target }) => {
            const answer = await query(expand(target.expr, dashboard));
            return { label: `${file} "${panel.title}" ${target.refId}: ${target.expr}`, count: seriesCount(answer), error: answer.error };
          }),
        ),
      (list) => list.every((a) => a.count > 0),
      { timeoutMs: 20_000, pauseMs: 1000 },
    );
    const failing = answers.filter((a) => a.count <= 0).map((a) => `${a.label} -> ${a.error ?? 'no series'}`);
    expect(failing).toEqual([]);
    process.stdout.write(
      `observability: ${QUERIES.length} queries in ${PANELS.length} panels of ${DASHBOARDS.length} dashboards returned data; ${ALERTS.length} alert rules loaded and healthy\n`,
    );
  });

  it('computes from that traffic what the panels say: confirmations, declines per method, refunds, breakers, restarts', async () => {
    const values = async (file: string, title: string, refId = 'A') => {
      const found = QUERIES.find((q) => q.file === file && q.panel.title === title && q.target.refId === refId);
      if (!found) throw new Error(`${file} has no panel "${title}" with query ${refId}`);
      const answer = await query(expand(found.target.expr, found.dashboard));
      return (answer.data!.result as { metric: Record<string, string>; value: [number, string] }[]).map(
        (r): { value: number; [label: string]: string | number } => ({ ...r.metric, value: Number(r.value[1]) }),
      );
    };
    // Each round: two confirmed orders (test_success, credit_card at decline rate 0) and one declined (test_decline).
    const [confirmation] = await values('business.json', 'Confirmation ratio');
    expect(confirmation.value).toBeCloseTo(2 / 3, 2);
    const byMethod = Object.fromEntries((await values('business.json', 'Decline ratio by method')).map((r) => [r.method, r.value]));
    expect(byMethod).toEqual({ test_success: 0, credit_card: 0, test_decline: 1 });
    const [refunds] = await values('business.json', 'Refunds');
    expect(refunds.value).toBeGreaterThan(0);
    const [configured] = await values('business.json', 'Decline ratio and configured rate', 'B');
    expect(configured.value).toBe(0);
    expect((await values('overview.json', 'Circuit breakers')).map((r) => `${r.service} -> ${r.target} ${r.value}`).sort()).toEqual([
      'order -> payment 0',
      'order -> user 0',
      'payment -> order 0',
      // The payment service checks each caller's account at the user service.
      'payment -> user 0',
    ]);
    expect((await values('overview.json', 'Scrape targets')).every((r) => r.value === 1)).toBe(true);
    expect((await values('runtime.json', 'Restarts')).map((r) => `${r.service} ${r.value}`).sort()).toEqual(['order 0', 'payment 0', 'user 0']);
    const clientErrors = Object.fromEntries((await values('overview.json', 'Client error ratio (4xx)')).map((r) => [r.service, r.value]));
    expect(clientErrors.user).toBeGreaterThan(0);
  });

  // Last: waiting for the first notification lets the traffic's rates of the tests above decay.
  it('routes pages, tickets and the Watchdog heartbeat as alertmanager.yml says, and delivers the Watchdog through a real Alertmanager', async () => {
    const config = join(MONITORING, 'alertmanager.yml');
    expect((await run(AMTOOL, ['check-config', config])).stdout).toMatch(/SUCCESS/);
    const route = async (...labels: string[]) => (await run(AMTOOL, ['config', 'routes', 'test', `--config.file=${config}`, ...labels])).stdout.trim();
    expect(await route('alertname=ErrorBudgetBurn', 'severity=critical', 'service=order')).toBe('page');
    expect(await route('alertname=LatencyBudgetBurn', 'severity=warning', 'service=order')).toBe('ticket');
    expect(await route('alertname=Watchdog', 'severity=none')).toBe('heartbeat');
    const heartbeat = await eventually(async () => notifications.find((n) => n.path === '/heartbeat'), Boolean, { timeoutMs: 60_000, pauseMs: 500 });
    expect(heartbeat?.body).toMatchObject({
      receiver: 'heartbeat',
      alerts: [expect.objectContaining({ labels: expect.objectContaining({ alertname: 'Watchdog' }) })],
    });
  });
});

/** What a few customers do: sign up, log in, buy (paid and declined), read, get a refund, mistype. */
async function driveTraffic(gw: TestAgent): Promise<void> {
  const account = await registerAndLogin(gw);
  const auth = bearer(account.accessToken);
  const items = [{ product_name: 'Desk lamp', quantity: 2, unit_price: 34 }];
  const paid = await gw.post('/orders').set(auth).send({ items, payment_method: 'test_success' }).expect(201);
  expect(paid.body.status).toBe('confirmed');
  await gw.post('/orders').set(auth).send({ items, payment_method: 'credit_card' }).expect(201);
  const declined = await gw.post('/orders').set(auth).send({ items, payment_method: 'test_decline' }).expect(201);
  expect(declined.body.status).toBe('payment_failed');
  await gw.get('/orders').set(auth).expect(200);
  await gw.get(`/orders/${paid.body.id}`).set(auth).expect(200);
  await gw.get(`/payments/${paid.body.payment_id}`).set(auth).expect(200);
  await gw.post(`/payments/${paid.body.payment_id}/refund`).set(auth).expect(200);
  await gw.get('/users/me').set(auth).expect(200);
  await gw.get('/orders/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
  await gw.get('/users/no/such/route').set(auth).expect(404);
  await gw.post('/users/login').send({ username: account.username, password: 'wrong-password' }).expect(401);
}
