import { Logger } from '@nestjs/common';
import type { Client, Notification } from 'pg';
import type { DataSource } from 'typeorm';
import { poolSettingsOf } from '../database/pg-driver';

/** The channel the triggers of migration 1764117600000-CredentialNotify send on. */
export const CREDENTIAL_CHANNEL = 'lotse_credentials';
/** The listening connection's application_name is this, ':' and the process id. */
export const LISTENER_NAME = 'lotse-credentials';

export interface CredentialListenerEvents {
  /** A credential changed: 'api_key:<id>' or 'user:<id>'. */
  changed(payload: string): void;
  /** The connection listens (again): whatever was sent while it did not is unknown. */
  listening(): void;
  /** The connection is gone: nothing arrives until `listening`. */
  lost(): void;
}

export interface ListenerBackoff {
  firstMs: number;
  maxMs: number;
}

/**
 * A client like the pool's own (same settings; on a multi-host URL the same writable-host Client
 * subclass), but outside the pool: a LISTEN must stay on one connection for good. pg-pool keeps
 * the class and the settings it builds its clients with in `Client` and `options`.
 */
export function listenClientFactory(dataSource: DataSource): () => Client {
  const { Client: ClientClass, options } = poolSettingsOf(dataSource);
  // Named apart from the pool's 'lotse' (and by process, for a script that terminates it).
  return () => new ClientClass({ ...options, application_name: `${LISTENER_NAME}:${process.pid}` });
}

/**
 * One connection per instance that LISTENs on the credential channel, reconnecting with a growing
 * delay after it is lost. `sync()` tells when every notification committed before the call has
 * arrived (see there).
 */
export class CredentialListener {
  private client: Client | null = null;
  private listening = false;
  private closed = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<boolean> | null = null;
  private next: Promise<boolean> | null = null;

  constructor(
    private readonly newClient: () => Client,
    private readonly events: CredentialListenerEvents,
    private readonly backoff: ListenerBackoff = { firstMs: 100, maxMs: 5_000 },
    private readonly logger = new Logger('CredentialListener'),
  ) {}

  /** Whether notifications arrive now. */
  get up(): boolean {
    return this.listening;
  }

  /** The server process of the listening connection (for tests that terminate it). */
  get pid(): number | null {
    return this.listening
      ? ((this.client as { processID?: number } | null)?.processID ?? null)
      : null;
  }

  /** Connects and listens; a failure is logged and retried in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  /**
   * Resolves true once every notification committed before this call has been handled; false
   * when the connection is not listening (or is lost meanwhile). A query on the listening
   * connection does it: the server signals listening backends at commit, before the committing
   * client hears of it, and a listening backend sends what it was signalled about before it reports
   * a query done (postgres.c, before ReadyForQuery); pg handles messages in the order they come.
   * Callers share a query, but one already sent may have left before their call: they wait for
   * the one after it.
   */
  sync(): Promise<boolean> {
    if (!this.listening || !this.client) return Promise.resolve(false);
    if (!this.inFlight) return this.send(this.client);
    this.next ??= this.inFlight.then(() => {
      this.next = null;
      return this.listening && this.client ? this.send(this.client) : false;
    });
    return this.next;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.drop();
    await client?.end().catch(() => undefined);
  }

  private send(client: Client): Promise<boolean> {
    const sent = client
      .query('SELECT 1')
      .then(() => this.listening && this.client === client)
      .catch(() => false)
      .finally(() => {
        if (this.inFlight === sent) this.inFlight = null;
      });
    this.inFlight = sent;
    return sent;
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    const client = this.newClient();
    let gone = false;
    const onGone = (error?: Error): void => {
      if (gone) return;
      gone = true;
      if (this.client === client) this.lose(error);
      client.end().catch(() => undefined);
    };
    client.on('error', onGone);
    client.on('end', () => onGone());
    client.on('notification', (message: Notification) => {
      if (message.channel === CREDENTIAL_CHANNEL && this.client === client) {
        this.events.changed(message.payload ?? '');
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CREDENTIAL_CHANNEL}`);
    } catch (error) {
      gone = true;
      await client.end().catch(() => undefined);
      this.retry(error as Error);
      return;
    }
    if (gone || this.closed) {
      await client.end().catch(() => undefined);
      if (!this.closed) this.retry();
      return;
    }
    this.client = client;
    this.listening = true;
    if (this.attempt > 0) this.logger.log('Listening for credential changes again');
    this.attempt = 0;
    this.events.listening();
  }

  private lose(error?: Error): void {
    this.drop();
    this.events.lost();
    this.retry(error);
  }

  private drop(): void {
    this.client = null;
    this.listening = false;
    this.inFlight = null;
    this.next = null;
  }

  private retry(error?: Error): void {
    if (this.closed || this.timer) return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.firstMs * 2 ** this.attempt);
    this.attempt++;
    // The reason only: a connection error names no person, but keep the message short.
    this.logger.warn(
      `Credential notifications lost (${error?.message ?? 'connection ended'}); lookups on every request, retrying in ${delay} ms`,
    );
    this.timer = setTimeout(() => void this.connect(), delay * (0.75 + Math.random() / 4));
  }
}
