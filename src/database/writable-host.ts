import { Client } from 'pg';
import { type MultiHostUrl } from './multi-host-url';
import { destroyClient } from './pg-driver';

/*
 * A multi-host DATABASE_URL in libpq's syntax, `postgres://u@h1:5433,h2:5434/lotse?
 * target_session_attrs=read-write`. pg connects to one host only, so the service keeps its own
 * idea of the writable host: a pg Client subclass (pg-pool's documented `Client` option) connects
 * every new pooled connection there and checks it as libpq's read-write does; an error that says
 * the server went away or became read-only makes it probe the hosts again. A single-host URL never
 * comes here: it connects as before, with no probe.
 */

/** SQLSTATEs and socket errors after which the writable host may have moved. */
const SWITCH_CODES = new Set([
  '25006', // read_only_sql_transaction: we are on a standby (or a demoted primary)
  '57P01', // admin_shutdown (switchover, stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting, in recovery)
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

export function meansHostMayHaveMoved(error: unknown): boolean {
  // By shape, not `instanceof Error`: socket errors come from Node's realm (not Jest's sandbox).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SWITCH_CODES.has(code) || code.startsWith('08'))) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(message)
  );
}

function unavailable(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export interface WritableHostOptions {
  /** How long one probe may take per host. */
  probeTimeoutMs?: number;
  /** Probes are at least this far apart (a burst of failing requests makes one probe). */
  minProbeIntervalMs?: number;
  applicationName?: string;
}

/**
 * Which of the URL's hosts takes writes now. `current()` probes once at the start; `suspect()`
 * (after an error) probes again, one probe at a time. When the host changes, connections still
 * open to the old one are cut, so that idle ones leave the pool instead of failing a request.
 */
export class WritableHost {
  private index: number | null = null;
  /** The last probe found no writable host (the switch is under way). */
  private lost = false;
  private confirming = false;
  private probing: Promise<number | null> | null = null;
  private lastProbe = 0;
  private readonly clients = new Map<Client, number>();
  /** How many times the writable host changed (for tests and the failover script's log). */
  switches = 0;

  constructor(
    readonly target: MultiHostUrl,
    private readonly options: WritableHostOptions = {},
  ) {}

  /**
   * The URL to connect a new connection to. Known host: no round trip. After a probe found no
   * writable host, a new connection probes again first (at most one probe per interval), as
   * libpq tries its hosts on each connect, so the first connection after the switch finds it.
   */
  async current(): Promise<{ url: string; index: number }> {
    let index = this.lost ? null : this.index;
    if (index === null) {
      const interval = this.options.minProbeIntervalMs ?? 200;
      const recent = this.index !== null && Date.now() - this.lastProbe < interval;
      index = this.probing ? await this.probing : recent ? null : await this.probe();
    }
    if (index === null) {
      throw unavailable('no host of the database URL accepts writes now', '08001');
    }
    return { url: this.target.urls[index], index };
  }

  /** After an error that may mean a switch: probe again (at most one probe at a time). */
  suspect(): void {
    if (this.probing || Date.now() - this.lastProbe < (this.options.minProbeIntervalMs ?? 200)) {
      return;
    }
    const before = this.index;
    void this.probe().then((found) => {
      // A server going down drops its sessions a moment before it stops accepting connections:
      // a probe that still found the same host looks again shortly, once.
      if (found === null || found !== before || this.confirming) return;
      this.confirming = true;
      setTimeout(() => {
        this.confirming = false;
        void this.probe();
      }, 500).unref();
    });
  }

  track(client: Client, index: number): void {
    this.clients.set(client, index);
    client.once('end', () => this.clients.delete(client));
    // An idle connection that the server drops (shutdown, crash) is the first sign of a switch.
    client.on('error', () => this.suspect());
  }

  private probe(): Promise<number | null> {
    this.probing ??= this.findWritable().finally(() => {
      this.lastProbe = Date.now();
      this.probing = null;
    });
    return this.probing;
  }

  private async findWritable(): Promise<number | null> {
    // All hosts at once: a host that does not answer must not delay the one that does.
    const answers = await Promise.all(this.target.urls.map((url) => this.isWritable(url)));
    const found = answers.indexOf(true);
    const next = found === -1 ? null : found;
    this.lost = next === null;
    if (next !== null && next !== this.index) {
      const previous = this.index;
      this.index = next;
      if (previous !== null) {
        this.switches += 1;
        this.cutConnectionsTo(previous);
      }
    }
    return next;
  }

  private cutConnectionsTo(index: number): void {
    for (const [client, on] of this.clients) {
      if (on !== index) continue;
      this.clients.delete(client);
      try {
        destroyClient(client as Parameters<typeof destroyClient>[0]);
      } catch {
        // Already closed: the pool has dropped it.
      }
    }
  }

  private async isWritable(url: string): Promise<boolean> {
    const client = new Client({
      connectionString: url,
      connectionTimeoutMillis: this.options.probeTimeoutMs ?? 2_000,
      application_name: `${this.options.applicationName ?? 'lotse'}-probe`,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await acceptsWrites(client);
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * A pg Client class for pg-pool's `Client` option: connects to the writable host, refuses a
 * session that turns out read-only (as libpq's target_session_attrs=read-write does, one round trip
 * per new connection, not per request), and reports errors that may mean a switch.
 */
export function writableHostClient(hosts: WritableHost): typeof Client {
  class WritableHostClient extends Client {
    // pg-pool connects with a callback; TypeORM's own code with a promise.
    override connect(): Promise<Client>;
    override connect(callback: (err: Error | null) => void): void;
    override connect(callback?: (err: Error | null) => void): Promise<Client> | void {
      const done = this.connectWritable().then(() => this);
      if (!callback) return done;
      done.then(
        () => callback(null),
        (err: Error) => callback(err),
      );
    }

    private async connectWritable(): Promise<void> {
      let target: { url: string; index: number };
      try {
        target = await hosts.current();
      } catch (error) {
        hosts.suspect();
        throw error;
      }
      // pg read host and port in the constructor; every host shares the rest of the URL.
      const { host, port } = hosts.target.hosts[target.index];
      const bare = host.replace(/^\[(.*)\]$/, '$1');
      this.host = bare;
      this.port = port;
      Object.assign((this as unknown as { connectionParameters: object }).connectionParameters, {
        host: bare,
        port,
      });
      try {
        await super.connect();
        if (!(await acceptsWrites(this))) {
          await this.end().catch(() => undefined);
          throw unavailable('the database host accepts no writes (read-only)', '25006');
        }
      } catch (error) {
        hosts.suspect();
        throw error;
      }
      hosts.track(this, target.index);
    }

    override query(...args: unknown[]): never {
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if (meansHostMayHaveMoved(error)) hosts.suspect();
        });
      }
      return result as never;
    }
  }
  return WritableHostClient;
}

/** libpq's `read-write` test of a session: it takes writes when it is not read-only. */
async function acceptsWrites(client: Pick<Client, 'query'>): Promise<boolean> {
  const { rows } = await client.query<{ transaction_read_only: string }>(
    'SHOW transaction_read_only',
  );
  return rows[0]?.transaction_read_only === 'off';
}
