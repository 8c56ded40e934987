import { mkdirSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a new connection waits for the current one to close before the server refuses it. */
const ADMISSION_WAIT_MS = 10_000;

/** What this class relies on inside pglite-socket's server (private in its typings). */
interface SocketServerInternals {
  handlers: Set<unknown>;
  handleConnection(socket: Socket): Promise<void>;
  server: { address(): AddressInfo };
}

/**
 * A real PostgreSQL (PGlite, compiled to WebAssembly) inside the process, reached through the
 * ordinary pg driver over a loopback socket, so both modes share the driver, entities and migrations.
 *
 * PGlite is a single session that every socket connection shares in turn; one connection is
 * accepted at a time. A server gives each connection a fresh session, and the pool relies on that
 * (it drops idle clients and opens new ones), so each new connection here starts by resetting the
 * session: the open transaction of a client that died is rolled back, and its prepared statements,
 * settings and temporary objects are discarded.
 */
export class EmbeddedPostgres {
  private db?: PGlite;
  private server?: PGLiteSocketServer;

  constructor(readonly dataDir: string) {}

  static forService(dataRoot: string, service: string): EmbeddedPostgres {
    return new EmbeddedPostgres(resolve(join(dataRoot, service)));
  }

  /** Starts the database and returns a connection URL for it. */
  async start(): Promise<string> {
    mkdirSync(this.dataDir, { recursive: true });
    const { PGlite, PGLiteSocketServer } = loadPglite();
    const db = await PGlite.create(this.dataDir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    const internals = server as unknown as SocketServerInternals;
    const accept = internals.handleConnection.bind(server);
    // Connections are admitted one after another. A pool that drops a broken client opens the next
    // one at once, before the server has seen the old one close: that one waits for its turn
    // instead of being refused, and never meets the old session's state.
    let turn = Promise.resolve();
    internals.handleConnection = (socket) => {
      turn = turn.then(async () => {
        const deadline = Date.now() + ADMISSION_WAIT_MS;
        while (internals.handlers.size > 0 && Date.now() < deadline && !socket.destroyed) await sleep(2);
        if (socket.destroyed) return;
        // Still busy past the deadline: the server refuses it, and the open session is left alone.
        if (internals.handlers.size === 0) await resetSession(db);
        await accept(socket);
      });
      return turn;
    };
    await server.start();
    this.db = db;
    this.server = server;
    const { port } = internals.server.address();
    return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.db?.close();
    this.server = undefined;
    this.db = undefined;
  }
}

/** Loaded on first use: the production images leave PGlite out, as they always have a DATABASE_URL. */
function loadPglite(): { PGlite: typeof PGlite; PGLiteSocketServer: typeof PGLiteSocketServer } {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
    return {
      PGlite: (require('@electric-sql/pglite') as typeof import('@electric-sql/pglite')).PGlite,
      PGLiteSocketServer: (require('@electric-sql/pglite-socket') as typeof import('@electric-sql/pglite-socket')).PGLiteSocketServer,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  } catch (error) {
    throw new Error('DATABASE_URL is not set and the embedded database (@electric-sql/pglite) is not installed: set DATABASE_URL', { cause: error });
  }
}

async function resetSession(db: PGlite): Promise<void> {
  if (db.isInTransaction()) await db.exec('ROLLBACK');
  await db.exec('DISCARD ALL');
}
