/*
 * libpq's multi-host URL, `postgres://u@h1:5433,h2:5434/lotse?target_session_attrs=read-write`,
 * split into one URL per host (pg and WHATWG URL take one host only). No pg import: the config
 * checks DATABASE_URL with this at start.
 */

export interface HostPort {
  host: string;
  port: number;
}

export interface MultiHostUrl {
  hosts: HostPort[];
  /** One URL per host, without target_session_attrs (pg does not know it). */
  urls: string[];
}

export class MalformedDatabaseUrlError extends Error {
  constructor(reason: string) {
    super(`the database URL ${reason}`);
  }
}

// scheme://[userinfo@]hostlist[/path][?query][#fragment]
const URL_SHAPE = /^(postgres(?:ql)?:)\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;
// The session kinds that can take writes (libpq's names); the service writes, so nothing else.
const WRITABLE_ATTRS = new Set(['any', 'read-write', 'primary']);

function parseHost(entry: string): HostPort {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(entry);
  const plain = /^([^:[\]]+)(?::(\d+))?$/.exec(entry);
  const match = bracketed ?? plain;
  if (!match) throw new MalformedDatabaseUrlError(`has a host "${entry}" that is not host[:port]`);
  const port = match[2] === undefined ? 5432 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new MalformedDatabaseUrlError(`has a port out of range in "${entry}"`);
  }
  return { host: bracketed ? `[${match[1]}]` : match[1], port };
}

/** Whether the URL lists several hosts (a comma in its user or password does not count). */
export function listsHosts(raw: string): boolean {
  return URL_SHAPE.exec(raw)?.[3].includes(',') ?? false;
}

/**
 * The hosts of a multi-host URL, or null for a URL with one host (which pg takes as it is).
 * Throws MalformedDatabaseUrlError (naming no password) for a list that is not host[:port],...
 */
export function parseMultiHostUrl(raw: string): MultiHostUrl | null {
  const shape = URL_SHAPE.exec(raw);
  if (!shape) throw new MalformedDatabaseUrlError('is not postgres://[user@]host[:port][,...]/db');
  const [, scheme, userinfo, hostList, path = '', query = ''] = shape;
  if (!hostList.includes(',')) return null;
  const entries = hostList.split(',');
  if (entries.some((e) => e.trim() === '')) {
    throw new MalformedDatabaseUrlError('has an empty entry in its host list');
  }
  const hosts = entries.map((e) => parseHost(e.trim()));
  const params = new URLSearchParams(query.slice(1));
  const attrs = params.get('target_session_attrs') ?? 'read-write';
  if (!WRITABLE_ATTRS.has(attrs)) {
    throw new MalformedDatabaseUrlError(
      `asks for target_session_attrs=${attrs}; the service writes, use read-write`,
    );
  }
  params.delete('target_session_attrs');
  const rest = params.toString();
  const auth = userinfo === undefined ? '' : `${userinfo}@`;
  const urls = hosts.map(
    (h) => `${scheme}//${auth}${h.host}:${h.port}${path}${rest ? `?${rest}` : ''}`,
  );
  for (const url of urls) {
    try {
      new URL(url);
    } catch {
      throw new MalformedDatabaseUrlError('is not a URL once split into its hosts');
    }
  }
  return { hosts, urls };
}
