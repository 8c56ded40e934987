import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { load, loadAll } from 'js-yaml';

export const ROOT = join(__dirname, '..', '..', '..');
export const K8S = join(ROOT, 'deploy', 'k8s');

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A rendered Kubernetes object: the fields the rules read, and whatever else it has. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // A rendered object's spec is whatever its kind defines: the rules read, and the tests break, any field of it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Probe {
  httpGet?: { path?: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: { command: string[] };
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

export interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef; fieldRef?: unknown; resourceFieldRef?: unknown };
}

export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name: string; optional?: boolean };
  secretRef?: { name: string; optional?: boolean };
}

export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string };
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: unknown; httpGet?: unknown } };
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
}

export interface Volume {
  name: string;
  configMap?: { name: string; items?: { key: string; path: string }[] };
  secret?: { secretName: string; items?: { key: string; path: string }[]; optional?: boolean; defaultMode?: number };
  emptyDir?: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  securityContext?: SecurityContext & { fsGroup?: number };
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
}

const KUBECTL = process.env.KUBECTL ?? 'kubectl';
const INSTALL_KUBECTL =
  'install kubectl 1.27 or newer (https://kubernetes.io/docs/tasks/tools/), or point KUBECTL at one; ' +
  "Debian 12's kubernetes-client package is kubectl 1.20, whose kustomize is too old for these kustomizations";

let checkedKubectl = false;

/** kubectl with kustomize v5: components, `labels` and inline patches need it. */
function checkKubectl(): void {
  if (checkedKubectl) return;
  let version: { kustomizeVersion?: string };
  try {
    version = JSON.parse(execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      `${missing ? `${KUBECTL} was not found` : `${KUBECTL} version failed`}: rendering the kustomizations offline needs it; ${INSTALL_KUBECTL}`,
      { cause: error },
    );
  }
  const major = Number(/^v(\d+)\./.exec(version.kustomizeVersion ?? '')?.[1] ?? 0);
  if (major < 5) throw new Error(`${KUBECTL} has kustomize ${version.kustomizeVersion ?? 'unknown'}, not v5: ${INSTALL_KUBECTL}`);
  checkedKubectl = true;
}

/** `kubectl kustomize <dir>`, parsed: what `kubectl apply -k <dir>` would send. */
export function kustomize(dir: string): K8sObject[] {
  checkKubectl();
  let output: string;
  try {
    output = execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new Error(`kubectl kustomize ${dir} failed: ${failure.stderr || failure.message}`, { cause: error });
  }
  return (loadAll(output) as (K8sObject | null)[]).filter((object): object is K8sObject => object !== null);
}

export function loadYaml<T>(text: string): T {
  return load(text) as T;
}

/** The directories outside deploy/k8s that its kustomizations list (nginx/ and the like), relative to the repository. */
export function kustomizedElsewhere(): string[] {
  const found = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(join(dir, entry.name));
      if (entry.name !== 'kustomization.yaml') continue;
      const kustomization = loadYaml<{ resources?: string[]; components?: string[] }>(readFileSync(join(dir, entry.name), 'utf8'));
      for (const listed of [...(kustomization.resources ?? []), ...(kustomization.components ?? [])].map((path) => resolve(dir, path))) {
        if (relative(K8S, listed).startsWith('..')) found.add(relative(ROOT, listed));
      }
    }
  };
  visit(K8S);
  return [...found].sort();
}

/**
 * `use` given a copy of deploy/k8s to edit, in a temporary tree that holds the directories outside
 * it that its kustomizations list at the same places, so that the copy renders like the original.
 */
export function withCopyOfK8s<T>(use: (k8s: string) => T): T {
  const root = mkdtempSync(join(tmpdir(), 'k8s-'));
  try {
    for (const dir of [relative(ROOT, K8S), ...kustomizedElsewhere()]) cpSync(join(ROOT, dir), join(root, dir), { recursive: true });
    return use(join(root, relative(ROOT, K8S)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered objects`);
  return found;
}

/** Deployments and Jobs: everything that runs pods. */
export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((object) => podSpecOf(object) !== undefined);
}

export function podSpecOf(object: K8sObject): PodSpec | undefined {
  return ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind) ? object.spec?.template?.spec : undefined;
}

export function podLabelsOf(object: K8sObject): Record<string, string> {
  return object.spec?.template?.metadata?.labels ?? {};
}

export function containersOf(object: K8sObject): Container[] {
  const pod = podSpecOf(object);
  return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
}

export function label(object: K8sObject): string {
  return `${object.kind} ${object.metadata.name}`;
}
