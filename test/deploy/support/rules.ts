import { isDeepStrictEqual } from 'node:util';
import { Container, K8sObject, Probe, PodSpec, containersOf, label, ofKind, podLabelsOf, podSpecOf } from './manifests';

/**
 * Our own rules for rendered manifests, beyond what the API schemas say. Each returns the problems
 * it finds, one sentence each naming the object, and nothing when all is well.
 */

/** A service as its own code defines it (apps/<app>/src/<app>-service.ts). */
export interface DeployedService {
  app: string;
  prefix: string;
  port: number;
}

/** The Secret the manifests refer to, as deploy/k8s/secret.example.yaml describes it. */
export interface SecretTemplate {
  name: string;
  values: Record<string, string>;
}

export interface ResolvedEnv {
  values: Record<string, string>;
  /** Variables read from Secret keys marked optional. */
  optional: Set<string>;
  problems: string[];
}

/** What a container may still be doing after SIGTERM beyond its shutdown delay: closing pools, the last log lines. */
export const DRAIN_MARGIN_MS = 5_000;

// ---------------------------------------------------------------- pods

export function sandboxProblems(workload: K8sObject): string[] {
  const pod = podSpecOf(workload) as PodSpec;
  const where = label(workload);
  const problems: string[] = [];
  if (pod.automountServiceAccountToken !== false)
    problems.push(`${where}: automountServiceAccountToken must be false (nothing in it calls the Kubernetes API)`);
  if (pod.enableServiceLinks !== false)
    problems.push(`${where}: enableServiceLinks must be false (service links inject variables such as GATEWAY_PORT=tcp://…)`);
  for (const flag of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[flag]) problems.push(`${where}: ${flag} must not be set`);
  }
  for (const container of containersOf(workload)) {
    const at = `${where} container ${container.name}`;
    const own = container.securityContext ?? {};
    const effective = { ...pod.securityContext, ...own };
    if (effective.runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot must be true`);
    if (!effective.runAsUser) problems.push(`${at}: runAsUser must be a non-zero uid`);
    if (effective.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${at}: seccompProfile must be RuntimeDefault`);
    if (own.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem must be true`);
    if (own.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation must be false`);
    if (own.privileged) problems.push(`${at}: must not be privileged`);
    if (!own.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities must drop ALL`);
    if (own.capabilities?.add?.length) problems.push(`${at}: must add no capabilities`);
  }
  return problems;
}

export function resourceProblems(workload: K8sObject): string[] {
  const problems: string[] = [];
  for (const container of containersOf(workload)) {
    const at = `${label(workload)} container ${container.name}`;
    for (const resource of ['cpu', 'memory']) {
      const request = container.resources?.requests?.[resource];
      const limit = container.resources?.limits?.[resource];
      if (request === undefined) problems.push(`${at}: no ${resource} request`);
      if (limit === undefined) problems.push(`${at}: no ${resource} limit`);
      if (request === undefined || limit === undefined) continue;
      const [requested, limited] = [quantity(request), quantity(limit)];
      if (Number.isNaN(requested) || Number.isNaN(limited)) problems.push(`${at}: ${resource} "${request}" / "${limit}" is not a Kubernetes quantity`);
      else if (requested > limited) problems.push(`${at}: ${resource} request ${request} exceeds its limit ${limit}`);
    }
  }
  return problems;
}

const QUANTITY_SUFFIXES: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

export function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(String(value));
  const factor = match ? QUANTITY_SUFFIXES[match[2]] : undefined;
  return match && factor !== undefined ? Number(match[1]) * factor : Number.NaN;
}

/** Every container probed three ways, on a port it declares; `expected` pins the HTTP paths. */
export function probeProblems(workload: K8sObject, expected?: { readiness: string; liveness: string }): string[] {
  const problems: string[] = [];
  for (const container of podSpecOf(workload)?.containers ?? []) {
    const at = `${label(workload)} container ${container.name}`;
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
      const probe = container[kind];
      if (!probe) problems.push(`${at}: no ${kind}`);
      else if (!probe.httpGet && !probe.tcpSocket && !probe.exec) problems.push(`${at}: ${kind} has no handler`);
      else if (!declaresPort(container, probePort(probe)))
        problems.push(`${at}: ${kind} targets port ${probePort(probe)}, which the container does not declare`);
    }
    if (!expected) continue;
    const { readinessProbe: readiness, livenessProbe: liveness, startupProbe: startup } = container;
    if (readiness && readiness.httpGet?.path !== expected.readiness)
      problems.push(`${at}: readinessProbe must GET ${expected.readiness}, not ${readiness.httpGet?.path}`);
    if (liveness && liveness.httpGet?.path !== expected.liveness)
      problems.push(`${at}: livenessProbe must GET ${expected.liveness}, not ${liveness.httpGet?.path}`);
    if (startup && ![expected.readiness, expected.liveness].includes(startup.httpGet?.path ?? '')) {
      problems.push(`${at}: startupProbe must GET ${expected.liveness} or ${expected.readiness}, not ${startup.httpGet?.path}`);
    }
  }
  return problems;
}

function probePort(probe: Probe): string | number | undefined {
  return probe.httpGet?.port ?? probe.tcpSocket?.port ?? (probe.exec ? 'exec' : undefined);
}

function declaresPort(container: Container, port: string | number | undefined): boolean {
  if (port === 'exec') return true;
  return (container.ports ?? []).some((declared) => declared.name === port || declared.containerPort === port);
}

export function imageProblems(workload: K8sObject): string[] {
  const problems: string[] = [];
  for (const container of containersOf(workload)) {
    const at = `${label(workload)} container ${container.name}`;
    if (!container.image) {
      problems.push(`${at}: no image`);
      continue;
    }
    const { tag, digest } = imageReference(container.image);
    if (!tag && !digest) problems.push(`${at}: image ${container.image} has no tag: it would run whatever "latest" is`);
    else if (tag === 'latest') problems.push(`${at}: image ${container.image} is tagged latest; pin a release`);
  }
  return problems;
}

export function imageReference(image: string): { repository: string; tag?: string; digest?: string } {
  const [name, digest] = image.split('@');
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  return { repository: hasTag ? name.slice(0, colon) : name, tag: hasTag ? name.slice(colon + 1) : undefined, digest };
}

// ---------------------------------------------------------------- availability

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector || selector.matchExpressions?.length) return false;
  const wanted = Object.entries(selector.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
}

function sameNamespace(a: K8sObject, b: K8sObject): boolean {
  return (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '');
}

/** Each Deployment: one CPU autoscaler that owns its replica count, and one disruption budget that lets drains proceed. */
export function availabilityProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of ofKind(objects, 'Deployment')) {
    const where = label(deployment);
    if (deployment.spec?.replicas !== undefined)
      problems.push(`${where}: sets spec.replicas, so every kubectl apply would reset the count its HorizontalPodAutoscaler chose`);
    const scalers = ofKind(objects, 'HorizontalPodAutoscaler').filter((hpa) => {
      const target = hpa.spec?.scaleTargetRef ?? {};
      return sameNamespace(hpa, deployment) && target.apiVersion === 'apps/v1' && target.kind === 'Deployment' && target.name === deployment.metadata.name;
    });
    if (scalers.length !== 1) problems.push(`${where}: needs exactly one HorizontalPodAutoscaler targeting it, found ${scalers.length}`);
    const budgets = ofKind(objects, 'PodDisruptionBudget').filter(
      (pdb) => sameNamespace(pdb, deployment) && selects(pdb.spec?.selector, podLabelsOf(deployment)),
    );
    if (budgets.length !== 1) problems.push(`${where}: needs exactly one PodDisruptionBudget selecting its pods, found ${budgets.length}`);
    const [hpa, pdb] = [scalers[0], budgets[0]];
    if (hpa) {
      const cpu = (hpa.spec.metrics ?? []).some(
        (metric: { type?: string; resource?: { name?: string } }) => metric.type === 'Resource' && metric.resource?.name === 'cpu',
      );
      if (!cpu) problems.push(`${label(hpa)}: scales on no CPU metric`);
    }
    if (hpa && pdb) {
      const minReplicas = hpa.spec.minReplicas ?? 1;
      const { minAvailable, maxUnavailable } = pdb.spec;
      if (typeof minAvailable === 'number' && minAvailable >= minReplicas) {
        problems.push(`${label(pdb)}: minAvailable ${minAvailable} with as few as ${minReplicas} replica(s) would block every node drain`);
      }
      if (maxUnavailable === 0 || maxUnavailable === '0%') problems.push(`${label(pdb)}: maxUnavailable 0 would block every node drain`);
    }
  }
  return problems;
}

/** Services and budgets select the pods of exactly one Deployment, and never a migration Job's. */
export function selectorProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const deployments = ofKind(objects, 'Deployment');
  const jobs = ofKind(objects, 'Job');
  for (const deployment of deployments) {
    if (!selects(deployment.spec?.selector, podLabelsOf(deployment))) problems.push(`${label(deployment)}: its selector does not match its own pod labels`);
  }
  const selecting = [
    ...ofKind(objects, 'Service').map((service) => ({ object: service, selector: { matchLabels: service.spec?.selector } })),
    ...ofKind(objects, 'PodDisruptionBudget').map((pdb) => ({ object: pdb, selector: pdb.spec?.selector })),
  ];
  for (const { object, selector } of selecting) {
    const matched = deployments.filter((deployment) => sameNamespace(object, deployment) && selects(selector, podLabelsOf(deployment)));
    if (matched.length !== 1) problems.push(`${label(object)}: selects the pods of ${matched.length} Deployments, not exactly one`);
    for (const job of jobs.filter((candidate) => sameNamespace(object, candidate) && selects(selector, podLabelsOf(candidate)))) {
      problems.push(`${label(object)}: also selects the pods of ${label(job)}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- environment

/**
 * The environment a container starts with: envFrom first, then env (which wins, as in Kubernetes),
 * ConfigMaps looked up among the rendered objects, Secret keys in the Secret template.
 */
export function resolveEnv(workload: K8sObject, container: Container, objects: K8sObject[], secret?: SecretTemplate): ResolvedEnv {
  const at = `${label(workload)} container ${container.name}`;
  const resolved: ResolvedEnv = { values: {}, optional: new Set(), problems: [] };
  const configMap = (name: string) => objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name && sameNamespace(object, workload));
  const secretKnown = (name: string) => {
    if (secret && name === secret.name) return true;
    resolved.problems.push(`${at}: refers to Secret ${name}, which deploy/k8s/secret.example.yaml does not describe`);
    return false;
  };
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.configMapRef) {
      const found = configMap(source.configMapRef.name);
      if (!found) resolved.problems.push(`${at}: envFrom ConfigMap ${source.configMapRef.name} is not among the rendered objects`);
      for (const [key, value] of Object.entries(found?.data ?? {})) resolved.values[prefix + key] = value;
    }
    if (source.secretRef && secretKnown(source.secretRef.name)) {
      for (const [key, value] of Object.entries(secret!.values)) resolved.values[prefix + key] = value;
    }
  }
  for (const variable of container.env ?? []) {
    const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {};
    if (variable.value !== undefined) resolved.values[variable.name] = variable.value;
    else if (configMapKeyRef) {
      const value = configMap(configMapKeyRef.name)?.data?.[configMapKeyRef.key];
      if (value === undefined && !configMapKeyRef.optional)
        resolved.problems.push(`${at}: ${variable.name} refers to ConfigMap ${configMapKeyRef.name} key ${configMapKeyRef.key}, which is not rendered`);
      if (value !== undefined) resolved.values[variable.name] = value;
    } else if (secretKeyRef && secretKnown(secretKeyRef.name)) {
      const value = secret!.values[secretKeyRef.key];
      if (value === undefined)
        resolved.problems.push(`${at}: ${variable.name} refers to Secret key ${secretKeyRef.key}, which deploy/k8s/secret.example.yaml does not have`);
      else resolved.values[variable.name] = value;
      if (secretKeyRef.optional) resolved.optional.add(variable.name);
    } else if (!secretKeyRef) {
      // fieldRef, resourceFieldRef, or no value at all: set, to something only the cluster knows.
      resolved.values[variable.name] = '';
    }
  }
  // NAME_FILE pointing into a mounted Secret volume: the service reads NAME from that file.
  for (const [name, path] of Object.entries(resolved.values).filter(([name]) => name.endsWith('_FILE'))) {
    const file = secretFile(workload, container, path);
    if (!file || !secretKnown(file.secretName)) continue;
    const variable = name.slice(0, -'_FILE'.length);
    delete resolved.values[name];
    const value = secret!.values[file.key];
    if (value === undefined) resolved.problems.push(`${at}: ${variable} refers to Secret key ${file.key}, which deploy/k8s/secret.example.yaml does not have`);
    else resolved.values[variable] = value;
    if (file.optional) resolved.optional.add(variable);
  }
  return resolved;
}

/** The Secret key behind a file path, when a Secret volume of the container holds it. */
export function secretFile(workload: K8sObject, container: Container, path: string): { secretName: string; key: string; optional: boolean } | undefined {
  for (const mount of container.volumeMounts ?? []) {
    if (mount.subPath || !path.startsWith(`${mount.mountPath}/`)) continue;
    const volume = (podSpecOf(workload) as PodSpec).volumes?.find((candidate) => candidate.name === mount.name);
    if (!volume?.secret) continue;
    const relative = path.slice(mount.mountPath.length + 1);
    const key = volume.secret.items ? volume.secret.items.find((item) => item.path === relative)?.key : relative;
    if (key) return { secretName: volume.secret.secretName, key, optional: volume.secret.optional === true };
  }
  return undefined;
}

/** Where a container's variable comes from in a Secret: an env secretKeyRef, or a NAME_FILE in a Secret volume. */
export function secretSource(workload: K8sObject, container: Container, name: string): { secretName: string; key: string } | undefined {
  const ref = container.env?.find((variable) => variable.name === name)?.valueFrom?.secretKeyRef;
  if (ref) return { secretName: ref.name, key: ref.key };
  const path = container.env?.find((variable) => variable.name === `${name}_FILE`)?.value;
  const file = path ? secretFile(workload, container, path) : undefined;
  return file && { secretName: file.secretName, key: file.key };
}

export function mainContainer(workload: K8sObject): Container {
  const pod = podSpecOf(workload) as PodSpec;
  return pod.containers.find((container) => container.name === workload.metadata.name) ?? pod.containers[0];
}

const FALSE = ['false', '0', 'no', 'off'];

/** The variables a service cannot do without in production, with the values production needs. */
export function serviceEnvProblems(deployment: K8sObject, env: ResolvedEnv, service: DeployedService, required: string[], objects: K8sObject[]): string[] {
  const at = label(deployment);
  const problems = [...env.problems];
  for (const name of required) {
    if (!(name in env.values)) problems.push(`${at}: ${name} is not set, directly or through a ConfigMap or the Secret`);
    else if (env.optional.has(name)) problems.push(`${at}: ${name} comes from an optional Secret key: the service would start without it`);
  }
  const { NODE_ENV, DATABASE_MIGRATIONS_RUN, PORT } = env.values;
  if (NODE_ENV !== undefined && NODE_ENV !== 'production') problems.push(`${at}: NODE_ENV is "${NODE_ENV}", not production`);
  if (!FALSE.includes((DATABASE_MIGRATIONS_RUN ?? 'true').toLowerCase())) {
    problems.push(`${at}: DATABASE_MIGRATIONS_RUN must be false: replicas starting together would race to migrate; the migration Job does it`);
  }
  if ((PORT ?? String(service.port)) !== String(service.port)) problems.push(`${at}: PORT is ${PORT}, but the service's port is ${service.port}`);
  if (!mainContainer(deployment).ports?.some((port) => port.containerPort === service.port))
    problems.push(`${at}: does not declare container port ${service.port}`);
  for (const [name, value] of Object.entries(env.values)) {
    if (name.endsWith('_SERVICE_URL')) problems.push(...endpointProblems(`${at}: ${name}`, value, deployment, objects));
  }
  return problems;
}

/** `http://user:3001` or `user:3001` must name a rendered Service, on a port it serves. */
export function endpointProblems(what: string, endpoint: string, from: K8sObject, objects: K8sObject[]): string[] {
  const match = /^(?:https?:\/\/)?([a-z0-9-]+)(?:\.[a-z0-9.-]+)?:(\d+)\/?$/.exec(endpoint);
  if (!match) return [`${what}: "${endpoint}" is not a Service address of the form http://name:port`];
  const [, host, port] = match;
  const service = objects.find((object) => object.kind === 'Service' && object.metadata.name === host && sameNamespace(object, from));
  if (!service) return [`${what}: ${endpoint} names no rendered Service "${host}"`];
  const ports = (service.spec?.ports ?? []) as { port: number }[];
  return ports.some((served) => served.port === Number(port)) ? [] : [`${what}: Service ${host} does not serve port ${port}`];
}

/**
 * Runs the service's own configuration factories on the environment: every value must pass the
 * same validation the service applies at start (a bad one stops it with one line naming it).
 */
export function configProblems(values: Record<string, string>, configs: (() => unknown)[]): string[] {
  const saved = process.env;
  const problems: string[] = [];
  process.env = { ...values };
  try {
    for (const load of configs) {
      try {
        load();
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  } finally {
    process.env = saved;
  }
  return problems;
}

/** SIGTERM: readiness 503 for SHUTDOWN_DELAY_MS, then in-flight requests finish; all within the grace period, without preStop. */
export function shutdownProblems(deployment: K8sObject, values: Record<string, string>): string[] {
  const at = label(deployment);
  const problems: string[] = [];
  const delay = Number(values.SHUTDOWN_DELAY_MS ?? 0);
  const statements = Number(values.DATABASE_STATEMENT_TIMEOUT_MS ?? 10_000);
  const grace = ((podSpecOf(deployment) as PodSpec).terminationGracePeriodSeconds ?? 30) * 1000;
  if (!(delay > 0)) problems.push(`${at}: SHUTDOWN_DELAY_MS must be positive, or the pod stops listening while endpoints still list it`);
  if (grace < delay + statements + DRAIN_MARGIN_MS) {
    problems.push(
      `${at}: terminationGracePeriodSeconds ${grace / 1000} is shorter than SHUTDOWN_DELAY_MS ${delay} + the slowest statement ${statements} ms + ${DRAIN_MARGIN_MS} ms to close`,
    );
  }
  for (const container of podSpecOf(deployment)?.containers ?? []) {
    if (container.lifecycle?.preStop)
      problems.push(`${at} container ${container.name}: has a preStop hook; the service delays its own shutdown (SHUTDOWN_DELAY_MS)`);
  }
  return problems;
}

// ---------------------------------------------------------------- gateway

/** `${VAR}` names in the template, comments aside (the header mentions `${UPPER_CASE}`). */
export function templateVariables(template: string): string[] {
  const code = template
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  return [...new Set([...code.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((match) => match[1]))];
}

export interface GatewaySources {
  /** nginx/templates/gateway.conf.template */
  template: string;
  /** nginx/html, by path relative to it */
  html: Record<string, string>;
}

/** The gateway renders the shipped template with every variable set and serves the shipped pages. */
export function gatewayProblems(deployment: K8sObject, objects: K8sObject[], sources: GatewaySources): string[] {
  const at = label(deployment);
  const container = mainContainer(deployment);
  const env = resolveEnv(deployment, container, objects);
  const problems = [...env.problems];
  const filter = env.values.NGINX_ENVSUBST_FILTER;
  for (const name of templateVariables(sources.template)) {
    if (!(name in env.values)) problems.push(`${at}: sets no ${name}, which gateway.conf.template uses`);
    else if (filter && !new RegExp(filter).test(name)) problems.push(`${at}: NGINX_ENVSUBST_FILTER "${filter}" would leave \${${name}} unsubstituted`);
  }
  const mounted = (path: string) => mountedVolume(deployment, container, path);
  const templates = mounted('/etc/nginx/templates');
  const rendered = templates?.configMap && configMapData(objects, deployment, templates.configMap.name);
  if (rendered?.['gateway.conf.template'] !== sources.template) {
    problems.push(`${at}: the ConfigMap at /etc/nginx/templates does not hold nginx/templates/gateway.conf.template as it is`);
  }
  if (!mounted('/etc/nginx/conf.d')?.emptyDir)
    problems.push(`${at}: /etc/nginx/conf.d, where the entrypoint writes the rendered template, must be an emptyDir`);
  problems.push(...htmlProblems(deployment, objects, env.values.GATEWAY_HTML_ROOT, sources.html));
  for (const name of ['GATEWAY_TLS_CERT', 'GATEWAY_TLS_KEY']) {
    const file = env.values[name] ?? '';
    const volume = mountedVolume(deployment, container, file.slice(0, file.lastIndexOf('/')));
    if (!volume?.secret) problems.push(`${at}: ${name} ${file} is not in a mounted Secret`);
  }
  for (const [name, value] of Object.entries(env.values).filter(([name]) => name.endsWith('_UPSTREAM_SERVERS'))) {
    const servers = [...value.matchAll(/server\s+([^\s;]+)[^;]*;/g)].map((match) => match[1]);
    if (servers.length === 0) problems.push(`${at}: ${name} "${value}" lists no "server host:port;"`);
    for (const server of servers) problems.push(...endpointProblems(`${at}: ${name}`, server, deployment, objects));
  }
  const readTimeout = Number(/proxy_read_timeout\s+(\d+)s;/.exec(sources.template)?.[1] ?? 60);
  const preStop = container.lifecycle?.preStop?.sleep?.seconds ?? 0;
  const grace = (podSpecOf(deployment) as PodSpec).terminationGracePeriodSeconds ?? 30;
  if (preStop === 0) problems.push(`${at}: needs a preStop sleep: nginx closes its listeners on SIGQUIT while endpoints may still list the pod`);
  if (grace < preStop + readTimeout)
    problems.push(`${at}: terminationGracePeriodSeconds ${grace} is shorter than preStop ${preStop} s + proxy_read_timeout ${readTimeout} s`);
  return problems;
}

function htmlProblems(deployment: K8sObject, objects: K8sObject[], root: string | undefined, html: Record<string, string>): string[] {
  const at = label(deployment);
  const volume = root ? mountedVolume(deployment, mainContainer(deployment), root) : undefined;
  if (!volume?.configMap) return [`${at}: GATEWAY_HTML_ROOT ${root} is not a mounted ConfigMap`];
  const data = configMapData(objects, deployment, volume.configMap.name) ?? {};
  const items = volume.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  const served = new Map(items.map((item) => [item.path, data[item.key]]));
  const problems: string[] = [];
  for (const [path, content] of Object.entries(html)) {
    if (!served.has(path)) problems.push(`${at}: serves no ${path} from nginx/html (add it to nginx/kustomization.yaml and the html volume's items)`);
    else if (served.get(path) !== content) problems.push(`${at}: serves a ${path} that differs from nginx/html/${path}`);
  }
  for (const path of served.keys()) {
    if (!(path in html)) problems.push(`${at}: serves ${path}, which nginx/html does not have`);
  }
  return problems;
}

function mountedVolume(workload: K8sObject, container: Container, path: string) {
  const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === path && !candidate.subPath);
  return mount && (podSpecOf(workload) as PodSpec).volumes?.find((volume) => volume.name === mount.name);
}

function configMapData(objects: K8sObject[], from: K8sObject, name: string): Record<string, string> | undefined {
  return objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name && sameNamespace(object, from))?.data;
}

// ---------------------------------------------------------------- migrations

export function migrationCommand(app: string): string[] {
  return ['node', `dist/apps/${app}/apps/${app}/src/migrate.js`, 'run'];
}

/** One Job per service, one pod at a time, on the image the Deployment runs, against the same database. */
export function migrationProblems(jobs: K8sObject[], deployments: K8sObject[], services: DeployedService[]): string[] {
  const problems: string[] = [];
  for (const { app } of services) {
    const deployment = deployments.find((candidate) => candidate.metadata.name === app);
    const matching = jobs.filter((job) => podLabelsOf(job)['app.kubernetes.io/name'] === app);
    if (matching.length !== 1 || !deployment) {
      problems.push(`${app}: needs one migration Job and one Deployment, found ${matching.length} and ${deployment ? 1 : 0}`);
      continue;
    }
    const [job] = matching;
    const at = label(job);
    const pod = podSpecOf(job) as PodSpec;
    const container = pod.containers[0];
    if (pod.containers.length !== 1) problems.push(`${at}: runs ${pod.containers.length} containers, not one`);
    if (container.image !== mainContainer(deployment).image)
      problems.push(`${at}: runs ${container.image}, but Deployment ${app} runs ${mainContainer(deployment).image}`);
    const command = [...(container.command ?? []), ...(container.args ?? [])];
    if (!isDeepStrictEqual(command, migrationCommand(app))) problems.push(`${at}: runs "${command.join(' ')}", not "${migrationCommand(app).join(' ')}"`);
    if ((job.spec?.parallelism ?? 1) !== 1 || (job.spec?.completions ?? 1) !== 1)
      problems.push(`${at}: must run one pod at a time, once (parallelism 1, completions 1)`);
    if (!['Never', 'OnFailure'].includes(pod.restartPolicy ?? '')) problems.push(`${at}: restartPolicy must be Never or OnFailure`);
    const [jobDatabase, serviceDatabase] = [secretSource(job, container, 'DATABASE_URL'), secretSource(deployment, mainContainer(deployment), 'DATABASE_URL')];
    if (!jobDatabase || !isDeepStrictEqual(jobDatabase, serviceDatabase))
      problems.push(`${at}: DATABASE_URL must come from the same Secret key as Deployment ${app}'s`);
  }
  return problems;
}
