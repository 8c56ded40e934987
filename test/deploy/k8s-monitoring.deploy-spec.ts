import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderService } from '../../apps/order/src/order-service';
import { paymentService } from '../../apps/payment/src/payment-service';
import { userService } from '../../apps/user/src/user-service';
import { K8S, K8sObject, ROOT, clone, kustomize, loadYaml, named, ofKind, withCopyOfK8s } from './support/manifests';
import { RuleFile, dashboardProblems, exporterContainer, exporterProblems, promtoolProblems, ruleProblems, scrapeProblems } from './support/monitoring';
import { imageProblems, probeProblems, resourceProblems, sandboxProblems, selectorProblems } from './support/rules';
import { schemaProblems } from './support/schemas';

/**
 * The monitoring component (deploy/k8s/components/monitoring): what Prometheus and Grafana get in
 * the cluster is what monitoring/ holds, scraped where the services and the gateway serve metrics.
 */

const SERVICES = [userService, orderService, paymentService].map((definition) => ({ app: definition.name, port: definition.defaultPort }));
const MONITORING = join(ROOT, 'monitoring');
const RULE_FILES = ['alerts.yml', 'slo.yml'];

const ruleFiles = (): RuleFile[] =>
  RULE_FILES.map((name) => ({ name, groups: loadYaml<{ groups: unknown[] }>(readFileSync(join(MONITORING, name), 'utf8')).groups }));
const dashboards = (): Record<string, string> => {
  const dir = join(MONITORING, 'grafana', 'dashboards');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .map((file) => [file, readFileSync(join(dir, file), 'utf8')]),
  );
};
const composeExporterImage = (): string => {
  const compose = loadYaml<{ services: Record<string, { image?: string }> }>(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'));
  return Object.values(compose.services).find((service) => /nginx-prometheus-exporter/.test(service.image ?? ''))!.image!;
};

let prodRender: K8sObject[] | undefined;
const prod = () => (prodRender ??= kustomize(join(K8S, 'overlays', 'prod')));

/** The dev overlay with the component added as deploy/k8s/README.md says, rendered from a copy. */
let devRender: K8sObject[] | undefined;
function devWithMonitoring(): K8sObject[] {
  if (devRender) return devRender;
  return (devRender = withCopyOfK8s((copy) => {
    const file = join(copy, 'overlays', 'dev', 'kustomization.yaml');
    const text = readFileSync(file, 'utf8');
    if (!text.includes('components:\n  - ../../release\n')) throw new Error('overlays/dev no longer lists ../../release first under components:');
    writeFileSync(file, text.replace('components:\n  - ../../release\n', 'components:\n  - ../../release\n  - ../../components/monitoring\n'));
    return kustomize(join(copy, 'overlays', 'dev'));
  }));
}

const RENDERS = [
  ['prod', prod],
  ['dev with the component', devWithMonitoring],
] as const;

describe.each(RENDERS)('the monitoring component in %s', (_name, render) => {
  it('renders ServiceMonitors, a PodMonitor, PrometheusRules and dashboard ConfigMaps that pass their schemas', () => {
    const kinds = render().map((object) => `${object.kind}/${object.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ServiceMonitor/user',
        'ServiceMonitor/order',
        'ServiceMonitor/payment',
        'PodMonitor/gateway',
        'PrometheusRule/nest-commerce-alerts',
        'PrometheusRule/nest-commerce-slo',
      ]),
    );
    expect(schemaProblems(render())).toEqual([]);
  });

  it("scrapes each service's /metrics on its own port and the gateway's nginx exporter, once each", () => {
    expect(scrapeProblems(render(), SERVICES)).toEqual([]);
  });

  it('runs the exporter on the stub_status nginx serves, in the version compose runs, sandboxed and probed like the rest', () => {
    const gateway = named(render(), 'Deployment', 'gateway');
    expect(exporterProblems(render(), composeExporterImage())).toEqual([]);
    expect([...sandboxProblems(gateway), ...resourceProblems(gateway), ...probeProblems(gateway), ...imageProblems(gateway)]).toEqual([]);
    expect(selectorProblems(render())).toEqual([]);
  });

  it('keeps nginx the first container of the gateway, where the overlays patch it', () => {
    const containers = named(render(), 'Deployment', 'gateway').spec.template.spec.containers.map((container: { name: string }) => container.name);
    expect(containers).toEqual(['nginx', exporterContainer(render())!.name]);
  });

  it('holds monitoring/alerts.yml and monitoring/slo.yml as PrometheusRules, group for group (deploy/k8s/sync-monitoring.mjs)', () => {
    expect(ruleProblems(render(), ruleFiles())).toEqual([]);
  });

  it('gives Prometheus rules that promtool check rules accepts', () => {
    expect(promtoolProblems(render())).toEqual([]);
  });

  it('ships every dashboard of monitoring/grafana/dashboards as it is, in a ConfigMap of its own for the Grafana sidecar', () => {
    expect(dashboardProblems(render(), dashboards())).toEqual([]);
  });
});

describe('the files of the monitoring component', () => {
  it('hold the PrometheusRules that deploy/k8s/sync-monitoring.mjs wrote from monitoring/', () => {
    const generated = readFileSync(join(K8S, 'components', 'monitoring', 'prometheus-rules.yaml'), 'utf8');
    expect(
      ruleProblems(
        generated.split(/^---$/m).map((text) => loadYaml<K8sObject>(text)),
        ruleFiles(),
      ),
    ).toEqual([]);
  });

  it('is not part of the dev overlay unless added (deploy/k8s/README.md says how)', () => {
    const dev = kustomize(join(K8S, 'overlays', 'dev'));
    expect(ofKind(dev, 'ServiceMonitor')).toEqual([]);
    expect(exporterContainer(dev)).toBeUndefined();
  });
});

/** Each rule, fed a copy of a rendered object broken on purpose, must notice. */
describe('the monitoring checks themselves', () => {
  const objects = () => clone(prod());

  it('refuses an unknown field, a malformed interval and a rule that is both a record and an alert', () => {
    const broken = objects();
    const user = named(broken, 'ServiceMonitor', 'user');
    user.spec.endpoints[0].intervall = '15s';
    user.spec.endpoints[0].interval = '15 seconds';
    named(broken, 'PrometheusRule', 'nest-commerce-slo').spec.groups[0].rules[0].alert = 'Both';
    delete named(broken, 'PodMonitor', 'gateway').spec.selector;
    expect(schemaProblems(ofKind(broken, 'ServiceMonitor').concat(ofKind(broken, 'PrometheusRule'), ofKind(broken, 'PodMonitor')))).toEqual(
      expect.arrayContaining([
        'ServiceMonitor user: /spec/endpoints/0 must NOT have additional properties: intervall',
        expect.stringMatching(/^ServiceMonitor user: \/spec\/endpoints\/0\/interval must match pattern/),
        'PrometheusRule nest-commerce-slo: /spec/groups/0/rules/0 must match exactly one schema in oneOf',
        "PodMonitor gateway: /spec must have required property 'selector'",
      ]),
    );
    expect(schemaProblems([{ apiVersion: 'monitoring.coreos.com/v1', kind: 'Probe', metadata: { name: 'x' } }])).toEqual([
      'Probe x: unknown kind monitoring.coreos.com/v1/Probe',
    ]);
  });

  it('notices an unscraped service, a port the Service does not name and a PodMonitor on a port no container declares', () => {
    const broken = objects().filter((object) => !(object.kind === 'ServiceMonitor' && object.metadata.name === 'payment'));
    named(broken, 'ServiceMonitor', 'order').spec.endpoints[0].port = 'metrics';
    named(broken, 'PodMonitor', 'gateway').spec.podMetricsEndpoints[0].port = 'exporter';
    expect(scrapeProblems(broken, SERVICES)).toEqual([
      'ServiceMonitor order: port metrics is not a named port of Service order',
      'PodMonitor gateway: port exporter is declared by no container of Deployment gateway',
      'Deployment order: /metrics on port 3002 is scraped 0 times, not once',
      'Deployment payment: /metrics on port 3003 is scraped 0 times, not once',
      "Deployment gateway: the nginx exporter's /metrics is scraped 0 times, not once",
    ]);
  });

  it('notices an exporter reading another stub_status address or running another version than compose', () => {
    const broken = objects();
    const exporter = exporterContainer(broken)!;
    exporter.args = ['--nginx.scrape-uri=http://127.0.0.1:8080/stub_status'];
    exporter.image = 'docker.io/nginx/nginx-prometheus-exporter:1.3.0';
    expect(exporterProblems(broken, composeExporterImage())).toEqual([
      'Deployment gateway container nginx-exporter: scrapes http://127.0.0.1:8080/stub_status, but nginx serves stub_status at http://127.0.0.1:8081/stub_status (GATEWAY_STATUS_LISTEN)',
      `Deployment gateway container nginx-exporter: runs docker.io/nginx/nginx-prometheus-exporter:1.3.0, but docker-compose.yml runs ${composeExporterImage()}`,
    ]);
  });

  it('notices a rule file edited without running the sync script, and a PrometheusRule no file holds', () => {
    const files = ruleFiles();
    (files[0].groups[0] as { rules: { expr: string }[] }).rules[0].expr = 'vector(2)';
    expect(ruleProblems(prod(), files)).toEqual([
      'monitoring/alerts.yml: 0 PrometheusRules hold its groups as they are, not one (run deploy/k8s/sync-monitoring.mjs)',
      'PrometheusRule nest-commerce-alerts: its groups are those of no rule file in monitoring/ (run deploy/k8s/sync-monitoring.mjs)',
    ]);
  });

  it('lets promtool refuse a rule that does not parse', () => {
    const broken = objects();
    named(broken, 'PrometheusRule', 'nest-commerce-slo').spec.groups[0].rules[0].expr = 'sum by (service (rate(x[5m]))';
    expect(promtoolProblems(broken)).toEqual([expect.stringMatching(/^PrometheusRule nest-commerce-slo: promtool check rules refused it: [\s\S]*parse error/)]);
  });

  it('notices a stale dashboard, a missing one and a hashed ConfigMap name', () => {
    const broken = objects();
    const runtime = named(broken, 'ConfigMap', 'grafana-dashboard-runtime');
    runtime.metadata.name = 'grafana-dashboard-runtime-5hg7c8k2fm';
    const sources = { ...dashboards(), 'overview.json': `${dashboards()['overview.json']} `, 'new.json': '{}' };
    expect(dashboardProblems(broken, sources)).toEqual([
      'monitoring/grafana/dashboards/overview.json: the ConfigMap holding it differs from it',
      'monitoring/grafana/dashboards/new.json: in 0 ConfigMaps labelled grafana_dashboard: "1", not one (add it to monitoring/grafana/kustomization.yaml)',
      'ConfigMap grafana-dashboard-runtime-5hg7c8k2fm: a hashed name leaves the previous dashboard behind at each change',
    ]);
  });
});
