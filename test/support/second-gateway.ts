import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { freePort } from './spawned-service';
import { RunningStack } from './system-stack';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderGateway, gatewayVariables, findNginx } = require('../../scripts/stack') as typeof import('../../scripts/stack');

export interface SecondGateway {
  port: number;
  tlsPort: number;
  url: string;
  /** Holds the gateway's error.log. */
  dir: string;
  variables: ReturnType<typeof gatewayVariables>;
  stop(): void;
}

/**
 * Another nginx from the same template in front of the running services, with the given variables
 * (npm start's defaults otherwise): limits and options are proven here, away from the suite's gateway.
 */
export async function startSecondGateway(system: RunningStack, env: Record<string, string> = {}): Promise<SecondGateway> {
  const dir = join(system.stack.gateway!.dir, '..', `second-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`);
  const upstream = (app: 'user' | 'order' | 'payment') => system.stack.instances[app].map((i) => `server 127.0.0.1:${i.port};`).join(' ');
  const [port, tlsPort, status, internal] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const variables = gatewayVariables(
    { GATEWAY_PORT: String(port), GATEWAY_TLS_PORT: String(tlsPort), GATEWAY_STATUS_PORT: String(status), GATEWAY_INTERNAL_PORT: String(internal), ...env },
    { user: upstream('user'), order: upstream('order'), payment: upstream('payment') },
    dir,
  );
  mkdirSync(dir, { recursive: true });
  const nginx = spawn(findNginx()!, ['-c', renderGateway(dir, variables), '-p', dir, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (
    !(await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline || nginx.exitCode !== null) throw new Error(`the second gateway did not start (see ${dir}/error.log)`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, tlsPort, url, dir, variables, stop: () => void nginx.kill('SIGQUIT') };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One request sent exactly as written (no URL normalisation, unlike fetch and supertest), optionally
 * from another loopback address (127.0.0.0/8 is all local), so that each test is its own client.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  options: { localAddress?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: options.localAddress,
        agent: false,
        headers: { ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The gateway's own 429 (a service's 429 would carry its own message and code). */
export function limitedByGateway(response: RawResponse): boolean {
  return response.status === 429 && response.text.includes('Too many requests from this address');
}
