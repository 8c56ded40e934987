import { mkdirSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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
    const db = await PGlite.create(this.dataDir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    const internals = server as unknown as SocketServerInternals;
    const accept = internals.handleConnection.bind(server);
    internals.handleConnection = async (socket) => {
      // With a connection still attached the server refuses this one: its session must be left alone.
      if (internals.handlers.size === 0) await resetSession(db);
      return accept(socket);
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

async function resetSession(db: PGlite): Promise<void> {
  if (db.isInTransaction()) await db.exec('ROLLBACK');
  await db.exec('DISCARD ALL');
}
