import { join } from 'node:path';
import { K8S, K8sObject, clone, kustomize, named, ofKind, workloads } from './support/manifests';
import { scrapeTargets } from './support/monitoring';
import { Connection, Endpoint, evaluate, podOf, unusedPolicies } from './support/network-policy';
import { SERVICES } from '@app/contracts';

/**
 * The rendered NetworkPolicies, evaluated as a model: for each connection in the table, allowed or
 * denied, computed from the policies' selectors and ports as the API reference defines them.
 */

const OVERLAYS = ['dev', 'prod'] as const;
type Overlay = (typeof OVERLAYS)[number];

const renders = new Map<Overlay, K8sObject[]>();
function everything(overlay: Overlay): K8sObject[] {
  if (!renders.has(overlay)) renders.set(overlay, [...kustomize(join(K8S, 'overlays', overlay)), ...kustomize(join(K8S, 'overlays', overlay, 'migrations'))]);
  return renders.get(overlay)!;
}

type PodName = 'gateway' | 'user' | 'order' | 'payment' | 'user-migrate' | 'order-migrate' | 'payment-migrate';
const PORTS = {
  user: SERVICES.user.port,
  order: SERVICES.order.port,
  payment: SERVICES.payment.port,
  gateway: 8080,
  gatewayTls: 8443,
  postgres: 5432,
  redis: 6379,
  redisTls: 6380,
  dns: 53,
};

/** The cluster around our pods: what the table's connections start from or go to. */
function world(objects: K8sObject[]) {
  const namespace = ofKind(objects, 'Deployment')[0].metadata.namespace!;
  // A migration Job's name carries the release tag (user-migrate-0.1.0, deploy/k8s/release-jobs).
  const release = (name: string) => workloads(objects).find((object) => object.kind === 'Job' && object.metadata.name.startsWith(`${name}-`));
  const ours = (kind: string, name: string) => podOf((kind === 'Job' && release(name)) || named(workloads(objects), kind, name));
  const pods: Record<PodName, Endpoint> = {
    gateway: ours('Deployment', 'gateway'),
    user: ours('Deployment', 'user'),
    order: ours('Deployment', 'order'),
    payment: ours('Deployment', 'payment'),
    'user-migrate': ours('Job', 'user-migrate'),
    'order-migrate': ours('Job', 'order-migrate'),
    'payment-migrate': ours('Job', 'payment-migrate'),
  };
  const others: Record<string, Endpoint> = {
    // Any pod someone starts in our namespace: kubectl run, a debug pod, a compromised sidecar.
    'a random pod': { kind: 'pod', name: 'debug', namespace, labels: { run: 'debug' } },
    // One that copies a service's name label, but not its component.
    'a pod named like user': { kind: 'pod', name: 'fake-user', namespace, labels: { 'app.kubernetes.io/name': 'user' } },
    'a pod labelled prometheus in our namespace': { kind: 'pod', name: 'fake-prometheus', namespace, labels: { 'app.kubernetes.io/name': 'prometheus' } },
    'a pod in another namespace': {
      kind: 'pod',
      name: 'other',
      namespace: 'other-team',
      labels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/component': 'gateway' },
    },
    prometheus: { kind: 'pod', name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } },
    'another pod in monitoring': { kind: 'pod', name: 'grafana', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } },
    'kube-dns': { kind: 'pod', name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    'a client on the internet': { kind: 'external', name: 'client', ip: '203.0.113.7' },
    'the database': { kind: 'external', name: 'postgres', ip: '10.200.0.5' },
    'the redis': { kind: 'external', name: 'redis', ip: '10.200.0.6' },
    'a server on the internet': { kind: 'external', name: 'elsewhere', ip: '198.51.100.9' },
  };
  return { ...pods, ...others } as Record<string, Endpoint>;
}

type Row = [from: string, to: string, port: keyof typeof PORTS, expected: 'allowed' | 'denied', why: string];

const TABLE: Row[] = [
  // The public path.
  ['a client on the internet', 'gateway', 'gateway', 'allowed', 'the API is public behind the gateway'],
  ['a client on the internet', 'gateway', 'gatewayTls', 'allowed', 'HTTPS'],
  ['a client on the internet', 'user', 'user', 'denied', 'services are reached through the gateway only'],
  ['gateway', 'user', 'user', 'allowed', 'proxies /users'],
  ['gateway', 'order', 'order', 'allowed', 'proxies /orders'],
  ['gateway', 'payment', 'payment', 'allowed', 'proxies /payments'],
  ['gateway', 'the database', 'postgres', 'denied', 'nginx has no database'],
  ['gateway', 'user', 'postgres', 'denied', 'only the HTTP port'],
  // Service to service: only the calls the code makes.
  ['order', 'user', 'user', 'allowed', "checks the buyer (and so could reach user's login: order needs user)"],
  ['order', 'payment', 'payment', 'allowed', 'charges and refunds'],
  ['payment', 'order', 'order', 'allowed', 'reports refunds on /internal/payment-events'],
  ['payment', 'user', 'user', 'allowed', "asks the caller's account status (apps/payment/src/users)"],
  ['user', 'order', 'order', 'denied', 'the user service calls no other service'],
  ['user', 'payment', 'payment', 'denied', 'the user service calls no other service'],
  ['order', 'gateway', 'gateway', 'denied', 'services call each other directly, never back through the gateway'],
  ['payment', 'gateway', 'gateway', 'denied', 'idem'],
  // Data stores.
  ['user', 'the database', 'postgres', 'allowed', 'its users database'],
  ['order', 'the database', 'postgres', 'allowed', 'its orders database'],
  ['payment', 'the database', 'postgres', 'allowed', 'its payments database'],
  ['user', 'the redis', 'redis', 'allowed', 'sessions'],
  ['user', 'the redis', 'redisTls', 'allowed', 'sessions over TLS'],
  ['order', 'the redis', 'redis', 'denied', 'order keeps nothing in Redis'],
  ['payment', 'the redis', 'redis', 'denied', 'payment keeps nothing in Redis'],
  ['user-migrate', 'the database', 'postgres', 'allowed', 'migrations'],
  ['user-migrate', 'user', 'user', 'denied', 'a migration Job calls no service'],
  ['order-migrate', 'the redis', 'redis', 'denied', 'a migration Job needs only its database'],
  // Egress elsewhere.
  ['user', 'a server on the internet', 'gatewayTls', 'denied', 'nothing calls out'],
  ['order', 'a server on the internet', 'gatewayTls', 'denied', 'nothing calls out'],
  ['user', 'kube-dns', 'dns', 'allowed', 'name resolution'],
  ['gateway', 'kube-dns', 'dns', 'allowed', 'nginx resolves the Services'],
  // Monitoring.
  ['prometheus', 'user', 'user', 'allowed', 'scrapes /metrics'],
  ['prometheus', 'order', 'order', 'allowed', 'scrapes /metrics'],
  ['prometheus', 'payment', 'payment', 'allowed', 'scrapes /metrics'],
  ['another pod in monitoring', 'user', 'user', 'denied', 'only Prometheus scrapes'],
  ['a pod labelled prometheus in our namespace', 'user', 'user', 'denied', 'a label in our namespace does not make a pod Prometheus'],
  // Attackers.
  ['a random pod', 'user', 'user', 'denied', 'cannot reach login or /internal/users'],
  ['a random pod', 'order', 'order', 'denied', 'cannot reach /internal/orders'],
  ['a random pod', 'payment', 'payment', 'denied', 'cannot reach /internal'],
  ['a random pod', 'the database', 'postgres', 'denied', 'no database for strangers'],
  ['a random pod', 'the redis', 'redis', 'denied', 'no sessions for strangers'],
  ['a random pod', 'gateway', 'gateway', 'denied', 'default deny covers egress too'],
  ['a random pod', 'kube-dns', 'dns', 'allowed', 'DNS stays open to every pod of the namespace'],
  ['a pod named like user', 'order', 'order', 'denied', "copying a service's name label is not enough"],
  ['a pod in another namespace', 'user', 'user', 'denied', "another namespace's gateway is not ours"],
  ['a pod in another namespace', 'gateway', 'gateway', 'allowed', 'the gateway is public'],
];

describe.each(OVERLAYS)('the NetworkPolicies of the %s overlay, evaluated as a model', (overlay) => {
  it.each(TABLE)('%s → %s on %s: %s (%s)', (from, to, port, expected) => {
    const endpoints = world(everything(overlay));
    const connection: Connection = { from: endpoints[from], to: endpoints[to], port: PORTS[port], protocol: port === 'dns' ? 'UDP' : 'TCP' };
    expect(evaluate(everything(overlay), connection).allowed ? 'allowed' : 'denied').toBe(expected);
  });

  it('selects some rendered pod with every policy, and selects every pod with an ingress and an egress policy', () => {
    const objects = everything(overlay);
    expect(unusedPolicies(objects)).toEqual([]);
    const stranger: Endpoint = { kind: 'pod', name: 'x', namespace: objects[0].metadata.namespace!, labels: {} };
    for (const pod of [...workloads(objects).map(podOf), stranger]) {
      expect({ pod: pod.name, ingress: evaluate(objects, { from: world(objects)['a random pod'], to: pod, port: 1 }).allowed }).toEqual({
        pod: pod.name,
        ingress: false,
      });
      expect({ pod: pod.name, egress: evaluate(objects, { from: pod, to: world(objects)['a server on the internet'], port: 1 }).allowed }).toEqual({
        pod: pod.name,
        egress: false,
      });
    }
  });

  it("lets only the gateway, the services that call it and Prometheus reach each service's port", () => {
    const objects = everything(overlay);
    const endpoints = world(objects);
    const callers = (service: 'user' | 'order' | 'payment') =>
      Object.keys(endpoints)
        .filter((from) => from !== service && evaluate(objects, { from: endpoints[from], to: endpoints[service], port: PORTS[service] }).allowed)
        .sort();
    expect(callers('user')).toEqual(['gateway', 'order', 'payment', 'prometheus']);
    expect(callers('order')).toEqual(['gateway', 'payment', 'prometheus']);
    expect(callers('payment')).toEqual(['gateway', 'order', 'prometheus']);
  });
});

// prod includes the monitoring component (deploy/k8s/components/monitoring): an nginx exporter beside the gateway.
describe('the NetworkPolicies of the prod overlay, for what its monitors scrape', () => {
  const scrapers = (objects: K8sObject[]) => {
    const endpoints = world(objects);
    const { targets, problems } = scrapeTargets(objects);
    expect(problems).toEqual([]);
    return Object.fromEntries(
      targets.map((target) => [
        `${target.deployment.metadata.name}:${target.port}`,
        Object.keys(endpoints)
          .filter((from) => from !== target.deployment.metadata.name)
          .filter((from) => evaluate(objects, { from: endpoints[from], to: podOf(target.deployment), port: target.port }).allowed)
          .sort(),
      ]),
    );
  };

  it("lets Prometheus reach every port a ServiceMonitor or PodMonitor scrapes, and only Prometheus the exporter's", () => {
    const callers = scrapers(everything('prod'));
    expect(Object.keys(callers).sort()).toEqual(['gateway:9113', 'order:3002', 'payment:3003', 'user:3001']);
    for (const target of Object.keys(callers)) expect(`${target}: ${callers[target].includes('prometheus')}`).toBe(`${target}: true`);
    expect(callers['gateway:9113']).toEqual(['prometheus']);
  });

  it("notices Prometheus shut out of the exporter's port without the component's rule", () => {
    const objects = clone(everything('prod'));
    const gateway = named(objects, 'NetworkPolicy', 'gateway');
    gateway.spec.ingress = gateway.spec.ingress.filter((rule: { ports: { port: number }[] }) => !rule.ports.some((port) => port.port === 9113));
    expect(scrapers(objects)['gateway:9113']).toEqual([]);
  });
});

/** The model, fed policies broken on purpose, must see what they let through. */
describe('the NetworkPolicy model itself', () => {
  const objects = () => clone(everything('prod'));
  const attack = (policies: K8sObject[], from = 'a random pod', to = 'user') => {
    const endpoints = world(policies);
    return evaluate(policies, { from: endpoints[from], to: endpoints[to], port: PORTS.user });
  };

  const without = (policies: K8sObject[], names: string[]) =>
    policies.filter((object) => object.kind !== 'NetworkPolicy' || !names.includes(object.metadata.name));

  it('lets a random pod reach the user service once the default deny, the DNS rule and the user policy are gone', () => {
    expect(attack(without(objects(), ['default-deny', 'allow-dns', 'user']))).toEqual({ allowed: true });
    // allow-dns alone already isolates every pod for egress, and the user policy for ingress.
    expect(attack(without(objects(), ['default-deny', 'user']))).toEqual({ allowed: false, deniedBy: 'egress' });
    expect(attack(without(objects(), ['default-deny', 'allow-dns']))).toEqual({ allowed: false, deniedBy: 'ingress' });
  });

  it('notices an ingress rule that admits every pod: a `from` with an empty podSelector', () => {
    const egressOpen = without(objects(), ['default-deny', 'allow-dns']);
    named(egressOpen, 'NetworkPolicy', 'user').spec.ingress[0].from.push({ podSelector: {} });
    expect(attack(egressOpen)).toEqual({ allowed: true });
    // An empty podSelector means every pod of the policy's own namespace, not of every namespace.
    expect(attack(egressOpen, 'a pod in another namespace')).toEqual({ allowed: false, deniedBy: 'ingress' });
  });

  it('reads a namespaceSelector alone as every pod of the matching namespaces, and with a podSelector as both', () => {
    const policies = objects();
    const peers = named(policies, 'NetworkPolicy', 'user').spec.ingress[0].from;
    const prometheus = peers.find((peer: { namespaceSelector?: unknown }) => peer.namespaceSelector);
    delete prometheus.podSelector;
    expect(attack(policies, 'another pod in monitoring')).toEqual({ allowed: true });
    expect(attack(objects(), 'another pod in monitoring')).toEqual({ allowed: false, deniedBy: 'ingress' });
  });

  it('resolves named ports on the destination pod, and port ranges', () => {
    const policies = objects();
    named(policies, 'NetworkPolicy', 'gateway').spec.egress = [{ ports: [{ protocol: 'TCP', port: 'http' }] }];
    const endpoints = world(policies);
    expect(evaluate(policies, { from: endpoints.gateway, to: endpoints.order, port: PORTS.order }).allowed).toBe(true);
    expect(evaluate(policies, { from: endpoints.gateway, to: endpoints['the database'], port: PORTS.postgres }).allowed).toBe(false);
    named(policies, 'NetworkPolicy', 'gateway').spec.egress = [{ ports: [{ protocol: 'TCP', port: 3000, endPort: 3002 }] }];
    expect(evaluate(policies, { from: endpoints.gateway, to: endpoints.order, port: PORTS.order }).allowed).toBe(true);
    expect(evaluate(policies, { from: endpoints.gateway, to: endpoints.payment, port: PORTS.payment }).allowed).toBe(false);
  });

  it('applies ipBlock ranges and their exceptions to addresses outside the cluster only', () => {
    const policies = objects();
    named(policies, 'NetworkPolicy', 'order').spec.egress.push({ to: [{ ipBlock: { cidr: '198.51.100.0/24', except: ['198.51.100.9/32'] } }] });
    const endpoints = world(policies);
    const elsewhere = (ip: string): Endpoint => ({ kind: 'external', name: ip, ip });
    expect(evaluate(policies, { from: endpoints.order, to: elsewhere('198.51.100.10'), port: 443 }).allowed).toBe(true);
    expect(evaluate(policies, { from: endpoints.order, to: elsewhere('198.51.100.9'), port: 443 }).allowed).toBe(false);
    expect(evaluate(policies, { from: endpoints.order, to: elsewhere('198.51.101.10'), port: 443 }).allowed).toBe(false);
  });

  it('notices a policy whose selector matches no pod', () => {
    const policies = objects();
    named(policies, 'NetworkPolicy', 'payment').spec.podSelector.matchLabels['app.kubernetes.io/component'] = 'apl';
    expect(unusedPolicies(policies)).toEqual(['NetworkPolicy payment: selects no rendered pod']);
  });
});
