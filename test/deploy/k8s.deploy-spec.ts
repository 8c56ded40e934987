import { serviceConfig } from '@app/config';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { orderService } from '../../apps/order/src/order-service';
import { paymentService } from '../../apps/payment/src/payment-service';
import { userService } from '../../apps/user/src/user-service';
import {
  K8S,
  K8sObject,
  ROOT,
  clone,
  containersOf,
  kustomize,
  kustomizedElsewhere,
  loadYaml,
  named,
  ofKind,
  podSpecOf,
  withCopyOfK8s,
  workloads,
} from './support/manifests';
import { testGatewayConfig } from './support/nginx-check';
import {
  DeployedService,
  SecretTemplate,
  availabilityProblems,
  configProblems,
  gatewayProblems,
  imageProblems,
  imageReference,
  mainContainer,
  migrationProblems,
  probeProblems,
  quantity,
  resolveEnv,
  resourceProblems,
  sandboxProblems,
  selectorProblems,
  serviceEnvProblems,
  shutdownProblems,
} from './support/rules';
import { schemaProblems } from './support/schemas';

const SERVICES = [userService, orderService, paymentService].map((definition) => ({
  app: definition.name,
  prefix: definition.docs.prefix,
  port: definition.defaultPort,
  configs: [serviceConfig, ...definition.configs] as (() => unknown)[],
}));

const COMMON_REQUIREMENTS = ['NODE_ENV', 'JWT_SECRET', 'DATABASE_URL', 'DATABASE_MIGRATIONS_RUN', 'SHUTDOWN_DELAY_MS'];
/**
 * What each service cannot do without in production. Without DATABASE_URL it would start an
 * embedded database on a read-only filesystem; without REDIS_URL each user pod would keep its own
 * sessions; without the service URLs the calls would go to 127.0.0.1.
 */
const REQUIRED_IN_PRODUCTION: Record<string, string[]> = {
  user: [...COMMON_REQUIREMENTS, 'REDIS_URL'],
  order: [...COMMON_REQUIREMENTS, 'USER_SERVICE_URL', 'PAYMENT_SERVICE_URL'],
  payment: [...COMMON_REQUIREMENTS, 'ORDER_SERVICE_URL'],
};

const OVERLAYS = ['dev', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];

const renders = new Map<string, K8sObject[]>();
function rendered(path: string): K8sObject[] {
  if (!renders.has(path)) renders.set(path, kustomize(join(K8S, path)));
  return renders.get(path)!;
}
const app = (overlay: Overlay) => rendered(`overlays/${overlay}`);
const migrations = (overlay: Overlay) => rendered(`overlays/${overlay}/migrations`);
const everything = (overlay: Overlay) => [...app(overlay), ...migrations(overlay)];

const secretTemplate = (): SecretTemplate => {
  const secret = loadYaml<K8sObject>(readFileSync(join(K8S, 'secret.example.yaml'), 'utf8'));
  return { name: secret.metadata.name, values: secret.stringData ?? {} };
};
/** The template as an operator fills it in: a real JWT secret instead of the empty placeholder. */
const filledSecret = (): SecretTemplate => ({ ...secretTemplate(), values: { ...secretTemplate().values, JWT_SECRET: randomBytes(36).toString('base64') } });

function filesUnder(dir: string): Record<string, string> {
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return Object.fromEntries(
    entries.map((entry) => [relative(dir, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name), 'utf8')]),
  );
}
const gatewaySources = () => ({
  template: readFileSync(join(ROOT, 'nginx', 'templates', 'gateway.conf.template'), 'utf8'),
  html: filesUnder(join(ROOT, 'nginx', 'html')),
});

/** Keys of the services' Secret that workloads read, as env secretKeyRefs or as Secret volume files. */
function secretKeysRead(objects: K8sObject[], requiredOnly: boolean): string[] {
  const name = secretTemplate().name;
  const fromEnv = workloads(objects)
    .flatMap(containersOf)
    .flatMap((container) => container.env ?? [])
    .map((variable) => variable.valueFrom?.secretKeyRef)
    .filter((ref) => ref?.name === name && !(requiredOnly && ref.optional))
    .map((ref) => ref!.key);
  const fromVolumes = workloads(objects)
    .flatMap((workload) => podSpecOf(workload)?.volumes ?? [])
    .filter((volume) => volume.secret?.secretName === name && !(requiredOnly && volume.secret.optional))
    .flatMap((volume) => volume.secret!.items?.map((item) => item.key) ?? Object.keys(secretTemplate().values));
  return [...new Set([...fromEnv, ...fromVolumes])];
}

function serviceDeployment(objects: K8sObject[], service: DeployedService): K8sObject {
  return named(objects, 'Deployment', service.app);
}

describe.each(OVERLAYS)('the %s overlay, rendered offline with kubectl kustomize', (overlay) => {
  it('renders only objects that pass the Kubernetes API schemas, with no unknown kind or field', () => {
    expect(schemaProblems(everything(overlay))).toEqual([]);
  });

  it('renders the services, the gateway and their Services, budgets and autoscalers, and no Secret', () => {
    const kinds = app(overlay).map((object) => `${object.kind}/${object.metadata.name}`);
    for (const name of ['user', 'order', 'payment', 'gateway']) {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) expect(kinds).toContain(`${kind}/${name}`);
    }
    expect(ofKind(everything(overlay), 'Secret')).toEqual([]);
  });

  it('runs every container as a non-root user on a read-only root filesystem, with no privileges', () => {
    expect(workloads(everything(overlay)).flatMap(sandboxProblems)).toEqual([]);
  });

  it('gives every container CPU and memory requests and limits', () => {
    expect(workloads(everything(overlay)).flatMap(resourceProblems)).toEqual([]);
  });

  it('probes every Deployment container for start-up, readiness and liveness', () => {
    expect(ofKind(app(overlay), 'Deployment').flatMap((deployment) => probeProblems(deployment))).toEqual([]);
  });

  it.each(SERVICES)('probes $app readiness on /$prefix/health and liveness on /$prefix/health/live', (service) => {
    const expected = { readiness: `/${service.prefix}/health`, liveness: `/${service.prefix}/health/live` };
    expect(probeProblems(serviceDeployment(app(overlay), service), expected)).toEqual([]);
  });

  it('pins every image to a tag, never latest', () => {
    expect(workloads(everything(overlay)).flatMap(imageProblems)).toEqual([]);
  });

  it('gives every Deployment one PodDisruptionBudget and one CPU HorizontalPodAutoscaler that owns its replica count', () => {
    expect(availabilityProblems(app(overlay))).toEqual([]);
  });

  it('selects with every Service and budget the pods of one Deployment, never a migration Job', () => {
    expect(selectorProblems(everything(overlay))).toEqual([]);
  });

  it.each(SERVICES)('sets every variable $app needs in production, from the ConfigMap and the Secret', (service) => {
    const deployment = serviceDeployment(app(overlay), service);
    const env = resolveEnv(deployment, mainContainer(deployment), app(overlay), secretTemplate());
    expect(serviceEnvProblems(deployment, env, service, REQUIRED_IN_PRODUCTION[service.app], app(overlay))).toEqual([]);
  });

  it.each(SERVICES)('gives $app a configuration its own validation accepts, once the Secret is filled in', (service) => {
    const deployment = serviceDeployment(app(overlay), service);
    const env = resolveEnv(deployment, mainContainer(deployment), app(overlay), filledSecret());
    expect(configProblems(env.values, service.configs)).toEqual([]);
  });

  it.each(SERVICES)('lets $app serve through its shutdown delay and drain within the grace period, without preStop', (service) => {
    const deployment = serviceDeployment(app(overlay), service);
    const env = resolveEnv(deployment, mainContainer(deployment), app(overlay), secretTemplate());
    expect(shutdownProblems(deployment, env.values)).toEqual([]);
  });

  it('runs the gateway on the shipped template and pages, every template variable set, upstreams on the Services', () => {
    expect(gatewayProblems(named(app(overlay), 'Deployment', 'gateway'), app(overlay), gatewaySources())).toEqual([]);
  });

  it('gives nginx a gateway configuration that passes nginx -t', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-'));
    try {
      expect(testGatewayConfig(named(app(overlay), 'Deployment', 'gateway'), app(overlay), dir)).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates each service with one Job, on the Deployment image, in the same namespace', () => {
    expect(migrationProblems(ofKind(migrations(overlay), 'Job'), ofKind(app(overlay), 'Deployment'), SERVICES)).toEqual([]);
    const namespaces = new Set(everything(overlay).map((object) => object.metadata.namespace));
    expect([...namespaces]).toEqual([overlay === 'prod' ? 'nest-commerce' : 'nest-commerce-dev']);
  });
});

describe('the dev overlay', () => {
  it('runs one pod of everything, logging at debug', () => {
    for (const hpa of ofKind(app('dev'), 'HorizontalPodAutoscaler')) expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
    const config = ofKind(app('dev'), 'ConfigMap').find((object) => object.metadata.name.startsWith('nest-commerce-config'));
    expect(config?.data).toMatchObject({ LOG_LEVEL: 'debug', NODE_ENV: 'production' });
  });

  it('requests less CPU and memory than prod', () => {
    for (const deployment of ofKind(app('dev'), 'Deployment')) {
      const dev = mainContainer(deployment).resources?.requests ?? {};
      const prod = mainContainer(named(app('prod'), 'Deployment', deployment.metadata.name)).resources?.requests ?? {};
      for (const resource of ['cpu', 'memory']) expect(quantity(dev[resource])).toBeLessThan(quantity(prod[resource]));
    }
  });
});

describe('the prod overlay', () => {
  it('runs 3 to 10 pods of everything and keeps 2 available through voluntary disruptions', () => {
    for (const hpa of ofKind(app('prod'), 'HorizontalPodAutoscaler')) expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    for (const pdb of ofKind(app('prod'), 'PodDisruptionBudget')) {
      expect(pdb.spec.minAvailable).toBe(2);
      expect(pdb.spec.maxUnavailable).toBeUndefined();
    }
  });

  it('deploys one release tag for every service and its migration Job', () => {
    const images = workloads(everything('prod'))
      .flatMap(containersOf)
      .map((container) => imageReference(container.image ?? ''))
      .filter((image) => image.repository.startsWith('ghcr.io/nest-commerce/'));
    expect(images).toHaveLength(SERVICES.length * 2);
    expect(new Set(images.map((image) => image.tag)).size).toBe(1);
  });

  it.each(SERVICES)('requests for $app the CPU it was measured to use at 50 requests/s (bench/results/cpu.json), within 25 %', (service) => {
    const measured = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'cpu.json'), 'utf8'));
    const idle = measured.idle[service.app];
    const own = measured[service.app];
    const perRequest = (own.millicores[service.app] - idle) / (own.requests / measured.seconds);
    const expected = idle + 50 * perRequest;
    const requested = quantity(mainContainer(named(app('prod'), 'Deployment', service.app)).resources?.requests?.cpu ?? '') * 1000;
    expect(Math.abs(requested - expected) / expected).toBeLessThanOrEqual(0.25);
  });

  it('puts the gateway on a load balancer that keeps client addresses for the rate limits', () => {
    expect(named(app('prod'), 'Service', 'gateway').spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
  });
});

describe('the files next to the kustomizations', () => {
  it('sets the registry and the release tag of the services in one place, the release component both overlays use', () => {
    const baseImages = workloads([...rendered('base'), ...rendered('base/migrations')])
      .flatMap(containersOf)
      .map((container) => container.image ?? '')
      .filter((image) => /nest-commerce/.test(image));
    expect([...new Set(baseImages)].sort()).toEqual(['nest-commerce/order', 'nest-commerce/payment', 'nest-commerce/user']);
    for (const dir of ['overlays/dev', 'overlays/dev/migrations', 'overlays/prod', 'overlays/prod/migrations']) {
      const components = (loadYaml<{ components?: string[] }>(readFileSync(join(K8S, dir, 'kustomization.yaml'), 'utf8')).components ?? []).map((c) =>
        relative(K8S, join(K8S, dir, c)),
      );
      expect(`${dir}: ${components.includes('release')}`).toBe(`${dir}: true`);
    }
    const images = OVERLAYS.flatMap((overlay) => workloads(everything(overlay)).flatMap(containersOf))
      .map((container) => container.image ?? '')
      .filter((image) => /nest-commerce/.test(image));
    expect([...new Set(images)].sort()).toEqual([
      'ghcr.io/nest-commerce/order:0.1.0',
      'ghcr.io/nest-commerce/payment:0.1.0',
      'ghcr.io/nest-commerce/user:0.1.0',
    ]);
  });

  it("names each release's migration Jobs after its tag, so a new release creates new Jobs without deleting the old ones", () => {
    const next = withCopyOfK8s((copy) => {
      const release = join(copy, 'release', 'kustomization.yaml');
      writeFileSync(release, readFileSync(release, 'utf8').replaceAll('newTag: 0.1.0', 'newTag: 0.2.0'));
      return kustomize(join(copy, 'overlays', 'prod', 'migrations'));
    });
    const names = (objects: K8sObject[]) =>
      ofKind(objects, 'Job')
        .map((job) => job.metadata.name)
        .sort();
    expect(names(migrations('prod'))).toEqual(['order-migrate-0.1.0', 'payment-migrate-0.1.0', 'user-migrate-0.1.0']);
    expect(names(next)).toEqual(['order-migrate-0.2.0', 'payment-migrate-0.2.0', 'user-migrate-0.2.0']);
    for (const job of ofKind(next, 'Job')) expect(containersOf(job)[0].image).toMatch(/:0\.2\.0$/);
    for (const name of names(next)) expect(name.length).toBeLessThanOrEqual(63);
  });

  it('reads the gateway files, the roles SQL and the dashboards where compose does, and keeps no copy of them', () => {
    expect(kustomizedElsewhere()).toEqual(['docker/postgres', 'monitoring/grafana', 'nginx']);
    const sources = new Set(kustomizedElsewhere().flatMap((dir) => Object.values(filesUnder(join(ROOT, dir)))));
    const copies = Object.entries(filesUnder(K8S)).filter(([, content]) => sources.has(content));
    expect(copies.map(([path]) => path)).toEqual([]);
  });

  it('describes in secret.example.yaml every Secret key the workloads read, and no kustomization includes it', () => {
    const keys = Object.keys(secretTemplate().values);
    expect(keys).toEqual(expect.arrayContaining(secretKeysRead([...everything('prod'), ...everything('dev')], false)));
    const kustomizations = ['base', 'base/migrations', 'overlays/dev', 'overlays/dev/migrations', 'overlays/prod', 'overlays/prod/migrations'];
    for (const dir of kustomizations)
      expect(JSON.stringify(loadYaml(readFileSync(join(K8S, dir, 'kustomization.yaml'), 'utf8')))).not.toContain('secret.example');
  });

  it('creates, in the README command, every Secret key the services cannot start without', () => {
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
    const command = /kubectl create secret generic nest-commerce-secrets(?:[^\n]*\\\n)*[^\n]*/.exec(readme)?.[0] ?? '';
    const required = secretKeysRead(everything('prod'), true);
    expect(required).toEqual(expect.arrayContaining(['JWT_SECRET', 'USER_DATABASE_URL', 'REDIS_URL']));
    for (const key of required) expect(command).toContain(`--from-literal=${key}=`);
  });

  it('leaves JWT_SECRET empty in the template, which every service refuses in production', () => {
    const deployment = named(app('prod'), 'Deployment', 'user');
    const env = resolveEnv(deployment, mainContainer(deployment), app('prod'), secretTemplate());
    expect(configProblems(env.values, SERVICES[0].configs)).toEqual([expect.stringContaining('JWT_SECRET must be set in every mode')]);
  });
});

/** Each rule, fed a copy of a rendered object broken on purpose, must notice. */
describe('the checks themselves', () => {
  const prod = () => clone(everything('prod'));
  const user = (objects: K8sObject[]) => named(objects, 'Deployment', 'user');
  const userContainer = (objects: K8sObject[]) => mainContainer(user(objects));
  const userEnv = (objects: K8sObject[], secret = secretTemplate()) => resolveEnv(user(objects), userContainer(objects), objects, secret);
  const USERS = SERVICES[0];

  it('refuses an unknown kind, a wrong type and an unknown field', () => {
    const deployment = clone(user(app('prod')));
    const typo = clone(deployment);
    const container = mainContainer(typo) as unknown as Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    const wrongType = clone(deployment);
    (mainContainer(wrongType) as unknown as Record<string, unknown>).image = 42;
    const problems = schemaProblems([{ apiVersion: 'v1', kind: 'Frobnicator', metadata: { name: 'x' } }, wrongType, typo]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('unknown kind v1/Frobnicator'),
        expect.stringMatching(/image must be string/),
        expect.stringMatching(/readinesProbe.*does not exist/),
      ]),
    );
  });

  it('notices a root user, a writable root filesystem, kept capabilities and a mounted token', () => {
    const objects = prod();
    const pod = podSpecOf(user(objects))!;
    pod.securityContext!.runAsUser = 0;
    delete pod.automountServiceAccountToken;
    const security = userContainer(objects).securityContext!;
    delete security.runAsUser;
    security.readOnlyRootFilesystem = false;
    security.allowPrivilegeEscalation = true;
    security.capabilities = { drop: ['NET_RAW'] };
    security.seccompProfile = { type: 'Unconfined' };
    expect(sandboxProblems(user(objects))).toEqual([
      'Deployment user: automountServiceAccountToken must be false (nothing in it calls the Kubernetes API)',
      'Deployment user container user: runAsUser must be a non-zero uid',
      'Deployment user container user: seccompProfile must be RuntimeDefault',
      'Deployment user container user: readOnlyRootFilesystem must be true',
      'Deployment user container user: allowPrivilegeEscalation must be false',
      'Deployment user container user: capabilities must drop ALL',
    ]);
  });

  it('notices a missing limit and a request above its limit', () => {
    const objects = prod();
    const resources = userContainer(objects).resources!;
    delete resources.limits!.memory;
    resources.requests!.cpu = '2';
    expect(resourceProblems(user(objects))).toEqual([
      'Deployment user container user: cpu request 2 exceeds its limit 1',
      'Deployment user container user: no memory limit',
    ]);
  });

  it('notices a missing probe, a probe on an undeclared port and a probe on another service prefix', () => {
    const objects = prod();
    const container = userContainer(objects);
    delete container.livenessProbe;
    container.startupProbe!.httpGet!.port = 'metrics';
    container.readinessProbe!.httpGet!.path = '/orders/health';
    expect(probeProblems(user(objects), { readiness: '/users/health', liveness: '/users/health/live' })).toEqual([
      'Deployment user container user: startupProbe targets port metrics, which the container does not declare',
      'Deployment user container user: no livenessProbe',
      'Deployment user container user: readinessProbe must GET /users/health, not /orders/health',
    ]);
  });

  it('notices a latest tag and a missing tag', () => {
    const objects = prod();
    userContainer(objects).image = 'ghcr.io/nest-commerce/user:latest';
    mainContainer(named(objects, 'Deployment', 'order')).image = 'ghcr.io/nest-commerce/order';
    expect(imageProblems(user(objects))).toEqual(['Deployment user container user: image ghcr.io/nest-commerce/user:latest is tagged latest; pin a release']);
    expect(imageProblems(named(objects, 'Deployment', 'order'))).toEqual([expect.stringContaining('has no tag')]);
    expect(imageProblems({ ...user(objects), spec: { template: { spec: { containers: [{ name: 'x', image: 'localhost:5000/x@sha256:abc' }] } } } })).toEqual(
      [],
    );
  });

  it('notices a Deployment without budget or autoscaler, a fixed replica count and a budget that blocks drains', () => {
    const objects = prod().filter((object) => !(object.kind === 'PodDisruptionBudget' && object.metadata.name === 'user'));
    named(objects, 'HorizontalPodAutoscaler', 'order').spec.scaleTargetRef.name = 'orders';
    named(objects, 'Deployment', 'payment').spec.replicas = 3;
    named(objects, 'PodDisruptionBudget', 'gateway').spec.minAvailable = 3;
    expect(availabilityProblems(objects)).toEqual([
      'PodDisruptionBudget gateway: minAvailable 3 with as few as 3 replica(s) would block every node drain',
      'Deployment order: needs exactly one HorizontalPodAutoscaler targeting it, found 0',
      'Deployment payment: sets spec.replicas, so every kubectl apply would reset the count its HorizontalPodAutoscaler chose',
      'Deployment user: needs exactly one PodDisruptionBudget selecting its pods, found 0',
    ]);
  });

  it('notices a Service that would also send traffic to a migration Job', () => {
    const objects = prod();
    named(objects, 'Service', 'user').spec.selector = { 'app.kubernetes.io/name': 'user' };
    expect(selectorProblems(objects)).toEqual(['Service user: also selects the pods of Job user-migrate-0.1.0']);
  });

  it('notices a missing REDIS_URL, an optional Secret volume, a development NODE_ENV, start-up migrations and a wrong service URL', () => {
    const objects = prod();
    const container = userContainer(objects);
    container.env = container.env!.filter((variable) => variable.name !== 'REDIS_URL_FILE');
    podSpecOf(user(objects))!.volumes!.find((volume) => volume.name === 'secrets')!.secret!.optional = true;
    container.env.push(
      { name: 'NODE_ENV', value: 'development' },
      { name: 'DATABASE_MIGRATIONS_RUN', value: 'true' },
      { name: 'ORDER_SERVICE_URL', value: 'http://orders:3002' },
    );
    expect(serviceEnvProblems(user(objects), userEnv(objects), USERS, REQUIRED_IN_PRODUCTION.user, objects)).toEqual([
      'Deployment user: JWT_SECRET comes from an optional Secret key: the service would start without it',
      'Deployment user: DATABASE_URL comes from an optional Secret key: the service would start without it',
      'Deployment user: REDIS_URL is not set, directly or through a ConfigMap or the Secret',
      'Deployment user: NODE_ENV is "development", not production',
      'Deployment user: DATABASE_MIGRATIONS_RUN must be false: replicas starting together would race to migrate; the migration Job does it',
      'Deployment user: ORDER_SERVICE_URL: http://orders:3002 names no rendered Service "orders"',
    ]);
  });

  it('notices a Secret key or ConfigMap that does not exist', () => {
    const objects = prod().filter((object) => !object.metadata.name.startsWith('nest-commerce-config'));
    podSpecOf(user(objects))!
      .volumes!.find((volume) => volume.name === 'secrets')!
      .secret!.items!.find((item) => item.path === 'JWT_SECRET')!.key = 'JWT_KEY';
    expect(userEnv(objects).problems).toEqual([
      expect.stringMatching(/^Deployment user container user: envFrom ConfigMap nest-commerce-config-\w+ is not among the rendered objects$/),
      'Deployment user container user: JWT_SECRET refers to Secret key JWT_KEY, which deploy/k8s/secret.example.yaml does not have',
    ]);
  });

  it("hands the service's own validation a value it refuses", () => {
    const objects = prod();
    userContainer(objects).env!.push({ name: 'LOG_LEVEL', value: 'verbose' });
    expect(configProblems(userEnv(objects, filledSecret()).values, USERS.configs)).toEqual([expect.stringContaining('LOG_LEVEL must be one of')]);
  });

  it('notices a grace period too short to drain, a missing shutdown delay and a preStop hook', () => {
    const objects = prod();
    podSpecOf(user(objects))!.terminationGracePeriodSeconds = 10;
    userContainer(objects).lifecycle = { preStop: { sleep: { seconds: 5 } } };
    const values = { ...userEnv(objects).values, SHUTDOWN_DELAY_MS: '0' };
    expect(shutdownProblems(user(objects), values)).toEqual([
      'Deployment user: SHUTDOWN_DELAY_MS must be positive, or the pod stops listening while endpoints still list it',
      'Deployment user: terminationGracePeriodSeconds 10 is shorter than SHUTDOWN_DELAY_MS 0 + the slowest statement 10000 ms + 5000 ms to close',
      'Deployment user container user: has a preStop hook; the service delays its own shutdown (SHUTDOWN_DELAY_MS)',
    ]);
  });

  it('notices an unset template variable, a stale template or page, a missing page and an unknown upstream', () => {
    const objects = prod();
    const gateway = named(objects, 'Deployment', 'gateway');
    const container = mainContainer(gateway);
    container.env = container.env!.filter((variable) => variable.name !== 'GATEWAY_BODY_LIMIT');
    container.env.find((variable) => variable.name === 'ORDER_UPSTREAM_SERVERS')!.value = 'server orders:3002;';
    const sources = gatewaySources();
    const stale = { template: `${sources.template}\n# edited`, html: { ...sources.html, 'docs/new.html': '<p>new</p>', 'index.html': 'changed' } };
    expect(gatewayProblems(gateway, objects, stale)).toEqual([
      'Deployment gateway: sets no GATEWAY_BODY_LIMIT, which gateway.conf.template uses',
      'Deployment gateway: the ConfigMap at /etc/nginx/templates does not hold nginx/templates/gateway.conf.template as it is',
      'Deployment gateway: serves a index.html that differs from nginx/html/index.html',
      "Deployment gateway: serves no docs/new.html from nginx/html (add it to nginx/kustomization.yaml and the html volume's items)",
      'Deployment gateway: ORDER_UPSTREAM_SERVERS: orders:3002 names no rendered Service "orders"',
    ]);
  });

  it('notices a template variable that NGINX_ENVSUBST_FILTER would not substitute', () => {
    const objects = prod();
    const gateway = named(objects, 'Deployment', 'gateway');
    mainContainer(gateway).env!.find((variable) => variable.name === 'NGINX_ENVSUBST_FILTER')!.value = '^GATEWAY_';
    expect(gatewayProblems(gateway, objects, gatewaySources())).toEqual(
      expect.arrayContaining(['Deployment gateway: NGINX_ENVSUBST_FILTER "^GATEWAY_" would leave ${USER_UPSTREAM_SERVERS} unsubstituted']),
    );
  });

  it('lets nginx -t refuse a broken gateway setting', () => {
    const objects = prod();
    const gateway = named(objects, 'Deployment', 'gateway');
    mainContainer(gateway).env!.find((variable) => variable.name === 'GATEWAY_RATE_LIMIT')!.value = '10 per second';
    const dir = mkdtempSync(join(tmpdir(), 'gateway-'));
    try {
      expect(() => testGatewayConfig(gateway, objects, dir)).toThrow(/nginx -t refused[\s\S]*limit_req_zone/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notices a migration Job on another image, with parallel pods, or missing', () => {
    const objects = prod();
    const jobs = ofKind(objects, 'Job');
    const userJob = named(jobs, 'Job', 'user-migrate-0.1.0');
    podSpecOf(userJob)!.containers[0].image = 'ghcr.io/nest-commerce/user:0.0.9';
    userJob.spec.parallelism = 2;
    const withoutPayment = jobs.filter((job) => job.metadata.name !== 'payment-migrate-0.1.0');
    expect(migrationProblems(withoutPayment, ofKind(objects, 'Deployment'), SERVICES)).toEqual([
      `Job user-migrate-0.1.0: runs ghcr.io/nest-commerce/user:0.0.9, but Deployment user runs ${mainContainer(user(objects)).image}`,
      'Job user-migrate-0.1.0: must run one pod at a time, once (parallelism 1, completions 1)',
      'payment: needs one migration Job and one Deployment, found 0 and 1',
    ]);
  });
});
