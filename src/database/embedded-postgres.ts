import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLock, lockDataDir } from './data-dir-lock';

/**
 * The embedded PostgreSQL (PGlite, PostgreSQL compiled to WASM) for machines without a database
 * server. It is served over the PostgreSQL wire protocol on a loopback port, so the ordinary `pg`
 * driver, TypeORM and the same migrations work unchanged in both modes.
 *
 * PGlite is a single session: the pool in front of it must hold exactly one connection, otherwise
 * the statements of two transactions would interleave in that one session.
 */
export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

// PGlite and its socket server ship as ES modules only; load them lazily so that server mode never
// pays for the WASM build. A Function, because the compiler turns a written import() into require().
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a constant string, no input
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(
  s: string,
) => Promise<T>;

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const pgdata = join(dataDir, 'pgdata');
  mkdirSync(pgdata, { recursive: true });
  const lock = lockDataDir(dataDir);
  try {
    return await serve(pgdata, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function serve(pgdata: string, lock: DataDirLock): Promise<EmbeddedPostgres> {
  const { PGlite } = await importEsm<typeof import('@electric-sql/pglite')>('@electric-sql/pglite');
  const { PGLiteSocketServer } = await importEsm<typeof import('@electric-sql/pglite-socket')>(
    '@electric-sql/pglite-socket',
  );
  const db = await PGlite.create(pgdata);
  // The pool holds one connection, but when it replaces one (idle timeout, a failed query) the
  // next may connect before the server has seen the last one close; with room for one, the server
  // refused it. Two connections never run at once: the pool has at most one in use.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
      lock.release();
    },
  };
}
