import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUserService {
  url: string;
  /** Account checks received, by user id. */
  lookups: string[];
  /** Every account is an active user unless set otherwise here. */
  set(userId: string, status: { is_active: boolean; role: 'user' | 'admin' } | 'missing'): void;
  close(): Promise<void>;
}

const STATUS_PATH = /^\/users\/internal\/users\/([^/]+)\/status$/;

/** The user service's account check at the HTTP edge, for suites that mint their own tokens. */
export async function startFakeUserService(): Promise<FakeUserService> {
  const lookups: string[] = [];
  const statuses = new Map<string, { is_active: boolean; role: 'user' | 'admin' } | 'missing'>();
  const server = createServer((req, res) => {
    const id = STATUS_PATH.exec(req.url ?? '')?.[1];
    const status = id === undefined ? 'missing' : (statuses.get(id) ?? { is_active: true, role: 'user' });
    if (id !== undefined) lookups.push(id);
    if (req.method !== 'GET' || !req.headers.authorization || status === 'missing') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"statusCode":404}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    lookups,
    set: (userId, status) => void statuses.set(userId, status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
