import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * A real PostgreSQL (PGlite, compiled to WebAssembly) inside the process, reached through the
 * ordinary pg driver over a loopback socket, so both modes share the driver, entities and migrations.
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
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    this.db = db;
    this.server = server;
    const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
    return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    await this.db?.close();
    this.server = undefined;
    this.db = undefined;
  }
}
