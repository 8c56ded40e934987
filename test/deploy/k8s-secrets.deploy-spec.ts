import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8S, K8sObject, clone, containersOf, kustomize, loadYaml, named, podSpecOf, workloads } from './support/manifests';
import { mainContainer, secretFile, secretSource } from './support/rules';
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
