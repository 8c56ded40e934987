import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { Container, K8sObject, containersOf, label, ofKind, podLabelsOf } from './manifests';
import { imageReference, mainContainer, selects } from './rules';

/** A port Prometheus scrapes: the monitor, the Deployment whose pods it reaches, the container port. */
export interface ScrapeTarget {
  monitor: K8sObject;
  deployment: K8sObject;
  container: Container;
  port: number;
  path: string;
}

type Found = { targets: ScrapeTarget[]; problems: string[] };

const sameNamespace = (a: K8sObject, b: K8sObject) => (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');

function containerPort(deployment: K8sObject, port: string | number): { container: Container; port: number } | undefined {
  for (const container of containersOf(deployment)) {
    const found = (container.ports ?? []).find((declared) => declared.name === port || declared.containerPort === port);
    if (found) return { container, port: found.containerPort };
  }
  return undefined;
}

/**
 * What each ServiceMonitor and PodMonitor scrapes, resolved as the operator would: the Services (or
 * pods) its selector matches in its namespace, the named Service port, the container port behind it.
 */
export function scrapeTargets(objects: K8sObject[]): Found {
  const found: Found = { targets: [], problems: [] };
  const deployments = ofKind(objects, 'Deployment');
  for (const monitor of ofKind(objects, 'ServiceMonitor')) {
    const at = label(monitor);
    const services = ofKind(objects, 'Service').filter(
      (service) => sameNamespace(monitor, service) && selects(monitor.spec?.selector, service.metadata.labels ?? {}),
    );
    if (services.length !== 1) found.problems.push(`${at}: selects ${services.length} Services, not exactly one`);
    for (const service of services) {
      const deployment = deployments.find(
        (candidate) => sameNamespace(service, candidate) && selects({ matchLabels: service.spec?.selector }, podLabelsOf(candidate)),
      );
      for (const endpoint of monitor.spec?.endpoints ?? []) {
        const servicePort = (service.spec?.ports ?? []).find((port: { name?: string }) => port.name === endpoint.port);
        if (!servicePort) {
          found.problems.push(`${at}: port ${endpoint.port} is not a named port of ${label(service)}`);
          continue;
        }
        const resolved = deployment && containerPort(deployment, servicePort.targetPort ?? servicePort.port);
        if (!resolved) found.problems.push(`${at}: ${label(service)} port ${endpoint.port} leads to no container port`);
        else found.targets.push({ monitor, deployment: deployment, ...resolved, path: endpoint.path ?? '/metrics' });
      }
    }
  }
  for (const monitor of ofKind(objects, 'PodMonitor')) {
    const at = label(monitor);
    const selected = deployments.filter((deployment) => sameNamespace(monitor, deployment) && selects(monitor.spec?.selector, podLabelsOf(deployment)));
    if (selected.length !== 1) found.problems.push(`${at}: selects the pods of ${selected.length} Deployments, not exactly one`);
    for (const deployment of selected) {
      for (const endpoint of monitor.spec?.podMetricsEndpoints ?? []) {
        const resolved = containerPort(deployment, endpoint.port ?? endpoint.portNumber);
        if (!resolved) found.problems.push(`${at}: port ${endpoint.port ?? endpoint.portNumber} is declared by no container of ${label(deployment)}`);
        else found.targets.push({ monitor, deployment, ...resolved, path: endpoint.path ?? '/metrics' });
      }
    }
  }
  return found;
}

/** Every service's /metrics on its own port, and the gateway's exporter, scraped once each. */
export function scrapeProblems(objects: K8sObject[], services: { app: string; port: number }[]): string[] {
  const { targets, problems } = scrapeTargets(objects);
  const scraped = (deployment: string, container: string, port: number, path: string) =>
    targets.filter(
      (target) => target.deployment.metadata.name === deployment && target.container.name === container && target.port === port && target.path === path,
    ).length;
  for (const service of services) {
    const count = scraped(service.app, service.app, service.port, '/metrics');
    if (count !== 1) problems.push(`Deployment ${service.app}: /metrics on port ${service.port} is scraped ${count} times, not once`);
  }
  const exporter = exporterContainer(objects);
  const count = exporter ? scraped('gateway', exporter.name, 9113, '/metrics') : 0;
  if (count !== 1) problems.push(`Deployment gateway: the nginx exporter's /metrics is scraped ${count} times, not once`);
  return problems;
}

export function exporterContainer(objects: K8sObject[]): Container | undefined {
  const gateway = ofKind(objects, 'Deployment').find((deployment) => deployment.metadata.name === 'gateway');
  return gateway && containersOf(gateway).find((container) => imageReference(container.image ?? '').repository.endsWith('nginx/nginx-prometheus-exporter'));
}

/** The exporter beside nginx reads the stub_status the template serves, in the version compose runs. */
export function exporterProblems(objects: K8sObject[], composeImage: string): string[] {
  const gateway = ofKind(objects, 'Deployment').find((deployment) => deployment.metadata.name === 'gateway');
  const exporter = exporterContainer(objects);
  if (!gateway || !exporter) return ['Deployment gateway: has no nginx-prometheus-exporter container'];
  const problems: string[] = [];
  const at = `${label(gateway)} container ${exporter.name}`;
  const listen = mainContainer(gateway).env?.find((variable) => variable.name === 'GATEWAY_STATUS_LISTEN')?.value;
  const uri = exporter.args?.find((arg) => arg.startsWith('--nginx.scrape-uri='))?.split('=')[1];
  if (uri !== `http://${listen}/stub_status`)
    problems.push(`${at}: scrapes ${uri}, but nginx serves stub_status at http://${listen}/stub_status (GATEWAY_STATUS_LISTEN)`);
  const [ours, theirs] = [imageReference(exporter.image ?? ''), imageReference(composeImage)];
  const dockerHub = (repository: string) => repository.replace(/^docker\.io\//, '');
  if (dockerHub(ours.repository) !== dockerHub(theirs.repository) || ours.tag !== theirs.tag) {
    problems.push(`${at}: runs ${exporter.image}, but docker-compose.yml runs ${composeImage}`);
  }
  return problems;
}

export interface RuleFile {
  name: string;
  groups: unknown[];
}

/** One PrometheusRule per rule file of monitoring/, its groups equal to the file's. */
export function ruleProblems(objects: K8sObject[], files: RuleFile[]): string[] {
  const problems: string[] = [];
  const rules = ofKind(objects, 'PrometheusRule');
  for (const file of files) {
    const matching = rules.filter((rule) => isDeepStrictEqual(rule.spec?.groups, file.groups));
    if (matching.length !== 1)
      problems.push(`monitoring/${file.name}: ${matching.length} PrometheusRules hold its groups as they are, not one (run deploy/k8s/sync-monitoring.mjs)`);
  }
  for (const rule of rules) {
    if (!files.some((file) => isDeepStrictEqual(rule.spec?.groups, file.groups)))
      problems.push(`${label(rule)}: its groups are those of no rule file in monitoring/ (run deploy/k8s/sync-monitoring.mjs)`);
  }
  return problems;
}

/** `promtool check rules` on each PrometheusRule's groups, written back out as a rule file. */
export function promtoolProblems(objects: K8sObject[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  try {
    return ofKind(objects, 'PrometheusRule').flatMap((rule) => {
      const file = join(dir, `${rule.metadata.name}.yml`);
      // Through JSON: js-yaml refuses objects of another realm (jest's structuredClone makes those).
      writeFileSync(file, dump(JSON.parse(JSON.stringify({ groups: rule.spec?.groups }))));
      try {
        execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return [];
      } catch (error) {
        const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
        if (failure.code === 'ENOENT') throw new Error('promtool was not found: install Prometheus (Debian: the prometheus package)', { cause: error });
        return [`${label(rule)}: promtool check rules refused it: ${(failure.stderr || failure.stdout || failure.message).trim()}`];
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ConfigMap size limit, and client-side apply's copy of the object in a 256 KiB annotation. */
const CONFIGMAP_LIMIT = 1024 * 1024;
const ANNOTATIONS_LIMIT = 256 * 1024;

/** Each dashboard of monitoring/grafana/dashboards in a ConfigMap of its own that Grafana's sidecar loads. */
export function dashboardProblems(objects: K8sObject[], dashboards: Record<string, string>): string[] {
  const problems: string[] = [];
  const labelled = ofKind(objects, 'ConfigMap').filter((configMap) => configMap.metadata.labels?.grafana_dashboard === '1');
  for (const [file, content] of Object.entries(dashboards)) {
    const holders = labelled.filter((configMap) => Object.values(configMap.data ?? {}).includes(content));
    if (holders.length !== 1) {
      const stale = labelled.some((configMap) => Object.keys(configMap.data ?? {}).includes(file));
      problems.push(
        stale
          ? `monitoring/grafana/dashboards/${file}: the ConfigMap holding it differs from it`
          : `monitoring/grafana/dashboards/${file}: in ${holders.length} ConfigMaps labelled grafana_dashboard: "1", not one (add it to monitoring/grafana/kustomization.yaml)`,
      );
    }
  }
  for (const configMap of labelled) {
    const size = JSON.stringify(configMap).length;
    if (size > ANNOTATIONS_LIMIT)
      problems.push(`${label(configMap)}: ${size} bytes, too large for kubectl apply's last-applied annotation (${ANNOTATIONS_LIMIT})`);
    if (size > CONFIGMAP_LIMIT) problems.push(`${label(configMap)}: ${size} bytes, above the ConfigMap limit of 1 MiB`);
    if (/-[a-z0-9]{10}$/.test(configMap.metadata.name)) problems.push(`${label(configMap)}: a hashed name leaves the previous dashboard behind at each change`);
  }
  return problems;
}
