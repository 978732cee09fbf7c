import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Database } from '../database/database';
import { CredentialListener, listenClientFactory } from './credential-listener';
import { CredentialsRepository } from './credentials.repository';
import type { Principal } from './principal';

/**
 * API-key and user principals in memory, so that a request with a known credential costs no lookup
 * (credentials.repository.ts). Invalidated across instances by the triggers of migration
 * 1764117600000-CredentialNotify through LISTEN/NOTIFY (credential-listener.ts):
 *
 * - A hit counts only after `listener.sync()`: every change committed before the request came in
 *   has then been received, so a revocation answered by any instance (this one included) refuses
 *   the very next request here. The sync is one query on the listening connection, shared by the
 *   requests that wait at the same time; it replaces the lookup on the pool.
 * - While the listening connection is down (not yet up, lost, reconnecting) the cache is bypassed:
 *   every request looks up as before. When it listens again the cache starts empty (what was sent
 *   in between is unknown).
 * - A lookup stores its result only when no notification (and no loss) came in while it ran
 *   (`generation`), so a lookup that read the state before a change cannot keep it after.
 * - Only principals are kept, never a refusal; entries expire after CREDENTIAL_CACHE_TTL_MS anyway.
 *
 * Off (every request looks up) with CREDENTIAL_CACHE_MAX=0 and in embedded mode (one process, one
 * connection to the database: no second connection to listen on).
 */
@Injectable()
export class CredentialCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly entries: LRUCache<string, Principal> | null;
  /** 'api_key:<id>' / 'user:<id>' (the notifications' payload) → the entries of that credential. */
  private readonly byCredential = new Map<string, Set<string>>();
  private readonly listener: CredentialListener | null;
  private generation = 0;
  private readonly logger = new Logger('CredentialCache');
  /**
   * Requests answered from memory, looked up, and looked up because the listener was down; the
   * notifications received.
   */
  readonly counts = { hits: 0, misses: 0, bypassed: 0, changes: 0 };

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(Database) database: Database,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
  ) {
    const on = config.credentialCacheMax > 0 && database.mode === 'server';
    this.entries = on
      ? new LRUCache<string, Principal>({
          max: config.credentialCacheMax,
          ttl: config.credentialCacheTtlMs,
          dispose: (principal, key) => this.unindex(principal, key),
        })
      : null;
    this.listener = on
      ? new CredentialListener(listenClientFactory(database.dataSource), {
          changed: (payload) => this.changed(payload),
          listening: () => this.forgetAll(),
          lost: () => this.forgetAll(),
        })
      : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }

  /** Whether entries are used now (the listening connection is up). */
  get active(): boolean {
    return this.entries !== null && this.listener?.up === true;
  }

  /** The server process of the listening connection; null when not listening. */
  get listenerPid(): number | null {
    return this.listener?.pid ?? null;
  }

  apiKeyPrincipal(keyHash: string): Promise<Principal | null> {
    return this.cached(`k:${keyHash}`, () => this.credentials.apiKeyPrincipal(keyHash));
  }

  activeUserPrincipal(userId: string, tokenEpoch: number): Promise<Principal | null> {
    return this.cached(`u:${userId}:${tokenEpoch}`, () =>
      this.credentials.activeUserPrincipal(userId, tokenEpoch),
    );
  }

  private async cached(
    key: string,
    lookup: () => Promise<Principal | null>,
  ): Promise<Principal | null> {
    const { entries, listener } = this;
    if (!this.active || !entries || !listener) {
      this.counts.bypassed++;
      return lookup();
    }
    if (entries.has(key)) {
      if (!(await listener.sync())) {
        this.counts.bypassed++;
        return lookup();
      }
      // A change received during the sync has removed the entry: then look up.
      const hit = entries.get(key);
      if (hit) {
        this.counts.hits++;
        return hit;
      }
    }
    this.counts.misses++;
    const generation = this.generation;
    const principal = await lookup();
    if (principal && generation === this.generation && listener.up) {
      entries.set(key, freeze(principal));
      const credential = credentialOf(principal);
      let keys = this.byCredential.get(credential);
      if (!keys) this.byCredential.set(credential, (keys = new Set()));
      keys.add(key);
    }
    return principal;
  }

  private changed(payload: string): void {
    this.generation++;
    this.counts.changes++;
    if (!/^(api_key|user):[0-9a-f-]{36}$/i.test(payload)) {
      this.logger.warn('Unexpected credential notification: forgetting every entry');
      this.forgetAll();
      return;
    }
    // Each delete unindexes its key (the cache's dispose), so the copy of the set is iterated.
    const keys = this.byCredential.get(payload.toLowerCase());
    for (const key of [...(keys ?? [])]) this.entries?.delete(key);
  }

  private forgetAll(): void {
    this.generation++;
    this.entries?.clear(); // disposes, and so unindexes, every entry
  }

  private unindex(principal: Principal, key: string): void {
    const credential = credentialOf(principal);
    const keys = this.byCredential.get(credential);
    keys?.delete(key);
    if (keys?.size === 0) this.byCredential.delete(credential);
  }
}

function credentialOf(principal: Principal): string {
  return `${principal.kind === 'api_key' ? 'api_key' : 'user'}:${principal.id.toLowerCase()}`;
}

/** A cached principal is shared by requests: none of them may change it. */
function freeze(principal: Principal): Principal {
  for (const membership of principal.memberships) Object.freeze(membership);
  Object.freeze(principal.memberships);
  return Object.freeze(principal);
}
