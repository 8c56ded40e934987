import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8S, K8sObject, ROOT, clone, containersOf, kustomize, loadYaml, named, podSpecOf, workloads } from './support/manifests';
import { evaluate, podOf } from './support/network-policy';
import { imageProblems, mainContainer, resourceProblems, sandboxProblems, secretFile, secretSource } from './support/rules';
import { schemaProblems } from './support/schemas';
import { SECRET_NAME, URL_WITH_PASSWORD } from './support/secrets';

/**
 * The Kubernetes side of least privilege: each service reads its secrets as files of a Secret
 * volume holding its own keys only, connects to PostgreSQL as a role of its own, and reaches Redis
 * with a password; no rendered object carries a secret value.
 */

const OVERLAYS = ['dev', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];
const renders = new Map<Overlay, K8sObject[]>();
function everything(overlay: Overlay): K8sObject[] {
  if (!renders.has(overlay)) renders.set(overlay, [...kustomize(join(K8S, 'overlays', overlay)), ...kustomize(join(K8S, 'overlays', overlay, 'migrations'))]);
  return renders.get(overlay)!;
}
const template = () => loadYaml<K8sObject>(readFileSync(join(K8S, 'secret.example.yaml'), 'utf8'));

const SERVICES = { user: 'USER', order: 'ORDER', payment: 'PAYMENT' } as const;
type App = keyof typeof SERVICES;
const FILES: Record<App, Record<string, string>> = {
  user: { JWT_SECRET: 'JWT_SECRET', DATABASE_URL: 'USER_DATABASE_URL', REDIS_URL: 'REDIS_URL' },
  order: { JWT_SECRET: 'JWT_SECRET', DATABASE_URL: 'ORDER_DATABASE_URL' },
  payment: { JWT_SECRET: 'JWT_SECRET', DATABASE_URL: 'PAYMENT_DATABASE_URL' },
};

/** Secret-named variables with a literal value that is not a file path, and URLs with a password anywhere. */
function secretLiterals(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    for (const container of containersOf(workload)) {
      for (const variable of container.env ?? []) {
        if (variable.value === undefined || !SECRET_NAME.test(variable.name)) continue;
        if (!/^\/[\w./-]+$/.test(variable.value))
          problems.push(`${workload.kind} ${workload.metadata.name} container ${container.name}: ${variable.name} is a literal`);
      }
    }
  }
  for (const object of objects) {
    if (URL_WITH_PASSWORD.test(JSON.stringify(object))) problems.push(`${object.kind} ${object.metadata.name}: holds a URL with a password`);
  }
  return problems;
}

describe.each(OVERLAYS)('the %s overlay: secrets', (overlay) => {
  it.each(Object.keys(SERVICES) as App[])('gives %s its secrets as files of a read-only Secret volume with its own keys only', (app) => {
    const deployment = named(everything(overlay), 'Deployment', app);
    const container = mainContainer(deployment);
    const sources = Object.fromEntries(Object.keys(FILES[app]).map((name) => [name, secretSource(deployment, container, name)?.key]));
    expect(sources).toEqual(FILES[app]);
    for (const name of Object.keys(FILES[app])) {
      expect(container.env?.find((variable) => variable.name === name)).toBeUndefined();
      const path = container.env!.find((variable) => variable.name === `${name}_FILE`)!.value!;
      expect(secretFile(deployment, container, path)).toMatchObject({ secretName: 'nest-commerce-secrets', optional: false });
    }
    const volumes = (podSpecOf(deployment)!.volumes ?? []).filter((volume) => volume.secret?.secretName === 'nest-commerce-secrets');
    expect(volumes.flatMap((volume) => volume.secret!.items?.map((item) => item.key) ?? ['every key']).sort()).toEqual(Object.values(FILES[app]).sort());
    for (const volume of volumes) {
      expect(volume.secret!.defaultMode! & 0o007).toBe(0);
      expect(container.volumeMounts?.find((mount) => mount.name === volume.name)?.readOnly).toBe(true);
    }
  });

  it('puts no secret value in any rendered object: no literal secret variable, no URL with a password', () => {
    expect(secretLiterals(everything(overlay))).toEqual([]);
  });
});

describe.each(OVERLAYS)("the %s overlay's database kustomization: each service's role, made by a Job", (overlay) => {
  const database = () => kustomize(join(K8S, 'overlays', overlay, 'database'));
  const job = () => named(database(), 'Job', 'database-roles');

  it('renders a schema-valid, locked-down Job with requests and limits, on a pinned image, in the namespace', () => {
    expect(schemaProblems(database())).toEqual([]);
    expect([...sandboxProblems(job()), ...resourceProblems(job()), ...imageProblems(job())]).toEqual([]);
    expect(new Set(database().map((object) => object.metadata.namespace))).toEqual(
      new Set([named(everything(overlay), 'Deployment', 'user').metadata.namespace]),
    );
  });

  it('runs docker/postgres/service-database.sql as it is, for the DATABASE_URL of every service', () => {
    const container = mainContainer(job());
    const pod = podSpecOf(job())!;
    const sqlVolume = pod.volumes!.find((volume) => volume.configMap)!;
    const configMap = named(database(), 'ConfigMap', sqlVolume.configMap!.name);
    expect(configMap.data!['service-database.sql']).toBe(readFileSync(join(ROOT, 'docker', 'postgres', 'service-database.sql'), 'utf8'));
    const sqlMount = container.volumeMounts!.find((mount) => mount.name === sqlVolume.name)!;
    const script = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
    expect(script).toContain(`-f ${sqlMount.mountPath}/service-database.sql`);
    const urls = pod.volumes!.find((volume) => volume.secret?.secretName === 'nest-commerce-secrets')!;
    const urlMount = container.volumeMounts!.find((mount) => mount.name === urls.name)!;
    expect(script).toContain(`for file in ${urlMount.mountPath}/*`);
    const serviceKeys = (Object.keys(SERVICES) as App[]).map(
      (app) => secretSource(named(everything(overlay), 'Deployment', app), mainContainer(named(everything(overlay), 'Deployment', app)), 'DATABASE_URL')!.key,
    );
    expect(urls.secret!.items!.map((item) => item.key).sort()).toEqual(serviceKeys.sort());
    // The administrator comes from a Secret of its own, which no service mounts.
    expect(container.envFrom).toEqual([{ secretRef: { name: 'nest-commerce-postgres-admin' } }]);
    expect(JSON.stringify(workloads(everything(overlay)))).not.toContain('nest-commerce-postgres-admin');
  });

  it('reaches its database under the namespace default-deny, and nothing else reaches it', () => {
    const objects = [...everything(overlay), ...database()];
    const pod = podOf(job());
    const postgres = { kind: 'external', name: 'postgres', ip: '10.200.0.5' } as const;
    expect(evaluate(objects, { from: pod, to: postgres, port: 5432 }).allowed).toBe(true);
    expect(evaluate(objects, { from: pod, to: podOf(named(objects, 'Deployment', 'user')), port: 3001 }).allowed).toBe(false);
    expect(evaluate(objects, { from: podOf(named(objects, 'Deployment', 'gateway')), to: pod, port: 5432 }).allowed).toBe(false);
  });
});

describe('deploy/k8s/secret.example.yaml', () => {
  it('connects each service as a role of its own, not the superuser, to a database of its own', () => {
    const values = template().stringData!;
    const urls = (Object.values(SERVICES) as string[]).map((prefix) => new URL(values[`${prefix}_DATABASE_URL`]));
    for (const url of urls) expect(['postgres', 'root', 'admin', '']).not.toContain(url.username);
    expect(new Set(urls.map((url) => url.username)).size).toBe(urls.length);
    expect(new Set(urls.map((url) => url.pathname)).size).toBe(urls.length);
    for (const url of urls) expect(url.password).not.toBe('');
  });

  it('reaches Redis with a password', () => {
    const url = new URL(template().stringData!.REDIS_URL);
    expect(url.protocol).toMatch(/^rediss?:$/);
    expect(url.password).not.toBe('');
  });
});

describe('the secret checks themselves', () => {
  it('notice a literal JWT_SECRET, a DATABASE_URL in a ConfigMap and a Secret volume with every key', () => {
    const objects = clone(everything('prod'));
    const order = named(objects, 'Deployment', 'order');
    mainContainer(order).env!.push({ name: 'JWT_SECRET', value: 'a-published-secret' });
    const config = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('nest-commerce-config'))!;
    config.data = { ...config.data, DATABASE_URL: 'postgres://postgres:hunter2@db:5432/orders' };
    expect(secretLiterals(objects)).toEqual([
      'Deployment order container order: JWT_SECRET is a literal',
      expect.stringMatching(/^ConfigMap nest-commerce-config-\w+: holds a URL with a password$/),
    ]);
    delete podSpecOf(order)!.volumes!.find((volume) => volume.name === 'secrets')!.secret!.items;
    const path = mainContainer(order).env!.find((variable) => variable.name === 'DATABASE_URL_FILE')!.value!;
    expect(secretFile(order, mainContainer(order), path)?.key).toBe('DATABASE_URL');
  });
});
