import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { K8sObject, PodSpec, ROOT, podSpecOf } from './manifests';
import { mainContainer, resolveEnv } from './rules';

const NGINX_MISSING = 'nginx is required to test the gateway configuration offline and was not found (Debian/Ubuntu: apt-get install nginx)';

export function findNginx(): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  const found = dirs.map((dir) => join(dir, 'nginx')).find((candidate) => existsSync(candidate));
  if (!found) throw new Error(NGINX_MISSING);
  return found;
}

/**
 * `nginx -t` on the gateway exactly as the pod would configure itself: its main nginx.conf and the
 * template from the rendered ConfigMaps, rendered like the image's entrypoint does (envsubst of the
 * variables that match NGINX_ENVSUBST_FILTER). What only the cluster has is mapped to this machine:
 * every mount path lives under `dir`, upstream Service names become 127.0.0.1, and the TLS Secret
 * is a fresh self-signed certificate, logs are files. Returns nginx's output; throws with it when the test fails.
 */
export function testGatewayConfig(deployment: K8sObject, objects: K8sObject[], dir: string): string {
  const container = mainContainer(deployment);
  const pod = podSpecOf(deployment) as PodSpec;
  const local = (path: string) => join(dir, path);
  const configMap = (mountPath: string) => {
    const mount = container.volumeMounts?.find((candidate) => candidate.mountPath === mountPath);
    const volume = pod.volumes?.find((candidate) => candidate.name === mount?.name);
    const data = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === volume?.configMap?.name)?.data;
    if (!mount || !data) throw new Error(`the gateway mounts no ConfigMap at ${mountPath}`);
    return { data, subPath: mount.subPath };
  };
  const mountPaths = (container.volumeMounts ?? []).filter((mount) => !mount.subPath).map((mount) => mount.mountPath);
  // One pass, longest first, whole path segments only: /tmp must not also rewrite an already moved path.
  const alternatives = [...mountPaths].sort((a, b) => b.length - a.length).map((path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const mountPath = new RegExp(`(?<![\\w./-])(${alternatives.join('|')})(?=[/;\\s]|$)`, 'g');
  // Logs go to files: /dev/stderr cannot be opened when it is a socket, as under a test runner.
  const relocate = (text: string) =>
    text.replace(mountPath, (path) => local(path)).replace(/\/dev\/std(out|err)\b/g, (_, stream: string) => local(`std${stream}.log`));

  for (const path of mountPaths) mkdirSync(local(path), { recursive: true });
  const main = configMap('/etc/nginx/nginx.conf');
  let nginxConf = relocate(main.data[main.subPath ?? 'nginx.conf']);
  if (!existsSync('/etc/nginx/mime.types'))
    nginxConf = nginxConf.replace(/include\s+\/etc\/nginx\/mime\.types;/, 'types { text/html html; text/css css; application/javascript js; }');
  writeFileSync(local('nginx.conf'), nginxConf);

  const env = resolveEnv(deployment, container, objects).values;
  const filter = new RegExp(env.NGINX_ENVSUBST_FILTER ?? '.');
  const values = Object.fromEntries(
    Object.entries(env)
      .filter(([name]) => filter.test(name))
      .map(([name, value]) => [name, relocate(value).replace(/server\s+[a-z0-9.-]+:/g, 'server 127.0.0.1:')]),
  );
  for (const [key, template] of Object.entries(configMap('/etc/nginx/templates').data)) {
    // envsubst replaces both $NAME and ${NAME} of the listed variables.
    const rendered = template.replace(/\$(?:\{(\w+)\}|(\w+))/g, (match, braced?: string, bare?: string) => values[(braced ?? bare)!] ?? match);
    writeFileSync(join(local('/etc/nginx/conf.d'), key.replace(/\.template$/, '')), rendered);
  }

  const certificate = env.GATEWAY_TLS_CERT ? relocate(env.GATEWAY_TLS_CERT) : undefined;
  const key = env.GATEWAY_TLS_KEY ? relocate(env.GATEWAY_TLS_KEY) : undefined;
  if (certificate && key) {
    const certs = join(dir, 'generated-certs');
    execFileSync('sh', [join(ROOT, 'nginx', 'generate-cert.sh'), certs], { stdio: 'ignore' });
    mkdirSync(dirname(certificate), { recursive: true });
    renameSync(join(certs, 'gateway.crt'), certificate);
    renameSync(join(certs, 'gateway.key'), key);
  }

  try {
    return execFileSync(findNginx(), ['-t', '-c', local('nginx.conf'), '-p', dir, '-e', local('stderr.log')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const failure = error as Error & { stderr?: string };
    throw new Error(`nginx -t refused the gateway configuration:\n${failure.stderr ?? failure.message}`, { cause: error });
  }
}
