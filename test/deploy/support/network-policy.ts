import { K8sObject, ofKind, podLabelsOf, podSpecOf } from './manifests';

/**
 * NetworkPolicy semantics (networking.k8s.io/v1), evaluated on rendered objects: whether a
 * connection from one endpoint to another, on a port, is allowed. Follows the API reference:
 * a pod selected by no policy of a type is open for that direction; once selected, only what some
 * selecting policy's rules allow passes, and a connection needs both the source's egress and the
 * destination's ingress. Traffic from the node (kubelet probes) is always allowed and not modelled.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

/** A pod (in a namespace, with labels and named ports) or an address outside the cluster. */
export type Endpoint =
  | {
      kind: 'pod';
      name: string;
      namespace: string;
      namespaceLabels?: Record<string, string>;
      labels: Record<string, string>;
      ports?: { name?: string; containerPort: number; protocol?: string }[];
    }
  | { kind: 'external'; name: string; ip: string };

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

/** An empty selector selects everything; an absent one is the caller's business. */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator as string}`);
    }
  });
  return byLabels && byExpressions;
}

/** Namespaces carry kubernetes.io/metadata.name (set by the API server since 1.22). */
function namespaceLabels(endpoint: Extract<Endpoint, { kind: 'pod' }>): Record<string, string> {
  return { ...endpoint.namespaceLabels, 'kubernetes.io/metadata.name': endpoint.namespace };
}

function ipToNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return parts.reduce((total, part) => total * 256 + part, 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToNumber(ip) / size) === Math.floor(ipToNumber(base) / size);
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    // ipBlock is for addresses outside the cluster; what it means for pod IPs is implementation-defined.
    return other.kind === 'external' && inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((cidr) => inCidr(other.ip, cidr));
  }
  if (other.kind !== 'pod') return false;
  const namespaceOk = peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, namespaceLabels(other)) : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? matchesSelector(peer.podSelector, other.labels) : true;
  return namespaceOk && podOk;
}

/** A named port is looked up among the destination pod's container ports. */
function portMatches(rulePort: PolicyPort, destination: Endpoint, port: number, protocol: string): boolean {
  if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'string') {
    if (destination.kind !== 'pod') return false;
    return (destination.ports ?? []).some(
      (declared) => declared.name === rulePort.port && declared.containerPort === port && (declared.protocol ?? 'TCP') === protocol,
    );
  }
  return rulePort.endPort ? port >= rulePort.port && port <= rulePort.endPort : port === rulePort.port;
}

function ruleAllows(
  rule: PolicyRule,
  peers: PolicyPeer[] | undefined,
  policyNamespace: string,
  other: Endpoint,
  destination: Endpoint,
  port: number,
  protocol: string,
): boolean {
  const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, policyNamespace, other));
  const portOk = !rule.ports || rule.ports.length === 0 || rule.ports.some((rulePort) => portMatches(rulePort, destination, port, protocol));
  return peerOk && portOk;
}

function policyTypes(policy: K8sObject): string[] {
  return policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function selecting(policies: K8sObject[], endpoint: Endpoint, type: 'Ingress' | 'Egress'): K8sObject[] {
  if (endpoint.kind !== 'pod') return [];
  return policies.filter(
    (policy) =>
      (policy.metadata.namespace ?? '') === endpoint.namespace &&
      policyTypes(policy).includes(type) &&
      matchesSelector(policy.spec?.podSelector ?? {}, endpoint.labels),
  );
}

export interface Verdict {
  allowed: boolean;
  /** Which side refused, when refused. */
  deniedBy?: 'egress' | 'ingress';
}

export function evaluate(objects: K8sObject[], { from, to, port, protocol = 'TCP' }: Connection): Verdict {
  const policies = ofKind(objects, 'NetworkPolicy');
  const egress = selecting(policies, from, 'Egress');
  const egressOk =
    egress.length === 0 ||
    egress.some((policy) =>
      ((policy.spec?.egress ?? []) as PolicyRule[]).some((rule) => ruleAllows(rule, rule.to, policy.metadata.namespace ?? '', to, to, port, protocol)),
    );
  if (!egressOk) return { allowed: false, deniedBy: 'egress' };
  const ingress = selecting(policies, to, 'Ingress');
  const ingressOk =
    ingress.length === 0 ||
    ingress.some((policy) =>
      ((policy.spec?.ingress ?? []) as PolicyRule[]).some((rule) => ruleAllows(rule, rule.from, policy.metadata.namespace ?? '', from, to, port, protocol)),
    );
  return ingressOk ? { allowed: true } : { allowed: false, deniedBy: 'ingress' };
}

/** The pod a workload would run: its template's labels and container ports, in its namespace. */
export function podOf(workload: K8sObject): Extract<Endpoint, { kind: 'pod' }> {
  const pod = podSpecOf(workload);
  if (!pod) throw new Error(`${workload.kind} ${workload.metadata.name} runs no pods`);
  return {
    kind: 'pod',
    name: `${workload.kind.toLowerCase()}/${workload.metadata.name}`,
    namespace: workload.metadata.namespace ?? '',
    labels: podLabelsOf(workload),
    ports: pod.containers.flatMap((container) => container.ports ?? []),
  };
}

/** NetworkPolicies whose pod selector selects no rendered pod: a typo in a label opens nothing, but protects nothing either. */
export function unusedPolicies(objects: K8sObject[]): string[] {
  const pods = objects.filter((object) => podSpecOf(object)).map(podOf);
  return ofKind(objects, 'NetworkPolicy')
    .filter((policy) => !pods.some((pod) => pod.namespace === (policy.metadata.namespace ?? '') && matchesSelector(policy.spec?.podSelector ?? {}, pod.labels)))
    .map((policy) => `NetworkPolicy ${policy.metadata.name}: selects no rendered pod`);
}
