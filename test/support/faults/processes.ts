import type { ChildProcess } from 'node:child_process';
import type { Instance, Stack } from '../../../scripts/stack';
import { eventually } from '../eventually';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** Resolves when the process has ended; rejects if it is still running after `timeoutMs`. */
export function exitOf(child: ChildProcess, timeoutMs: number): Promise<Exit> {
  const started = Date.now();
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode, ms: 0 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process ${child.pid} still running ${timeoutMs} ms after the signal`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started });
    });
  });
}

/** Sends the signal and waits for the process to end. */
export async function signalAndWait(instance: Instance, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<Exit> {
  const exit = exitOf(instance.process, timeoutMs);
  instance.process.kill(signal);
  return exit;
}

export const healthUrl = (instance: Instance) => `${instance.url}/${instance.prefix}/health`;

export async function readiness(instance: Instance): Promise<number> {
  return fetch(healthUrl(instance), { signal: AbortSignal.timeout(3000) }).then(
    (r) => r.status,
    () => 0,
  );
}

/** Starts the instance again on its port and waits until its readiness answers 200. */
export async function restart(stack: Stack, instance: Instance, timeoutMs = 45_000): Promise<void> {
  stack.startInstance(instance);
  const status = await eventually(
    () => readiness(instance),
    (s) => s === 200 || instance.process.exitCode !== null,
    { what: `${instance.app} replica ${instance.replica} ready`, timeoutMs, pauseMs: 150 },
  );
  if (status !== 200) throw new Error(`${instance.app} replica ${instance.replica} exited ${instance.process.exitCode} instead of getting ready`);
}

/** The value of one Prometheus series on the service's own /metrics, matched by a label. */
export async function metricValue(instance: Instance, name: string, label: string): Promise<number | undefined> {
  const text = await fetch(`${instance.url}/metrics`, { signal: AbortSignal.timeout(3000) }).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line === undefined ? undefined : Number(line.trim().split(/\s+/).pop());
}

/**
 * True once the instance has answered `path` with a 2xx after `since` (epoch ms), read from its
 * own request log lines as the stack collects them (`[order#2] {...}`): proof that the balancer
 * sends it traffic again.
 */
export function servedSince(logs: readonly string[], instance: Instance, replicas: number, path: string, since: number): boolean {
  const label = `[${replicas > 1 ? `${instance.app}#${instance.replica}` : instance.app}] `;
  return logs.some((line) => {
    if (!line.startsWith(label) || !line.includes(`"url":"${path}"`)) return false;
    const entry = JSON.parse(line.slice(label.length)) as { time?: number; res?: { statusCode?: number } };
    return (entry.time ?? 0) > since && (entry.res?.statusCode ?? 0) < 300;
  });
}
