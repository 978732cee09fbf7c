import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be sent (SSRF): https to addresses that are public unicast, nothing else,
 * unless the configuration's allow-list (WEBHOOK_ALLOWLIST) names the host or the address. The same
 * policy is asked twice: when an endpoint is registered or changed (a clear 400), and at every
 * connection the delivery worker opens, on the addresses it actually connects to, so a name that
 * resolves to a public address at registration and to 127.0.0.1 later (DNS rebinding) is refused.
 */
export class WebhookDestinationPolicy {
  private readonly hosts = new Set<string>();
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];

  constructor(allowlist: readonly string[]) {
    for (const entry of allowlist) {
      const value = entry.trim().toLowerCase();
      if (value.includes('/')) this.ranges.push(ipaddr.parseCIDR(value));
      else if (isIP(value)) {
        const address = ipaddr.process(value);
        this.ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else this.hosts.add(value);
    }
  }

  /** Why the URL may not be a webhook's destination, or null; looks at the URL only (no DNS). */
  refuseUrl(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'is not a URL';
    }
    if (url.username || url.password) return 'must not carry a user name or password';
    if (url.hash) return 'must not have a #fragment';
    const host = hostOf(url);
    const allowed = this.allowsHost(host);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) {
      return 'must use https://';
    }
    if (isIP(host) && !allowed) {
      const reason = this.refuseAddress(host);
      if (reason) return reason;
    }
    return null;
  }

  /** Why the URL may not be a destination, resolving its host name as a delivery would. */
  async refuse(raw: string): Promise<string | null> {
    const byUrl = this.refuseUrl(raw);
    if (byUrl) return byUrl;
    const host = hostOf(new URL(raw));
    if (isIP(host) || this.hosts.has(host)) return null;
    let addresses: LookupAddress[];
    try {
      addresses = await new Promise((resolve, reject) =>
        dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
      );
    } catch {
      return `has a host name that does not resolve (${host})`;
    }
    for (const { address } of addresses) {
      const reason = this.refuseAddress(address);
      if (reason) return reason;
    }
    return null;
  }

  /** Why a connection to this address is refused, or null (allow-listed or public unicast). */
  refuseAddress(address: string): string | null {
    if (!ipaddr.isValid(address)) return `resolves to an address that is not valid (${address})`;
    const parsed = ipaddr.process(address);
    if (
      this.ranges.some(([base, bits]) => parsed.kind() === base.kind() && parsed.match(base, bits))
    ) {
      return null;
    }
    const range = parsed.range();
    return range === 'unicast'
      ? null
      : `resolves to a ${range} address (${address}); only public addresses are allowed`;
  }

  /**
   * A `lookup` for net/tls connections (and undici's connect options) that resolves as usual and
   * refuses every address the policy refuses, so the check and the connection use the same address.
   * Allow-listed host names skip the address check.
   */
  lookup(): LookupFunction {
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, '', 0);
        const host = hostname.toLowerCase();
        const allowed = this.hosts.has(host)
          ? addresses
          : addresses.filter(({ address }) => this.refuseAddress(address) === null);
        if (allowed.length === 0) {
          const refused = new Error(
            `webhook destination refused: ${host} ${this.refuseAddress(addresses[0]?.address ?? '') ?? 'has no address'}`,
          ) as NodeJS.ErrnoException;
          refused.code = 'WEBHOOK_DESTINATION_REFUSED';
          return callback(refused, '', 0);
        }
        if (options.all) return callback(null, allowed);
        return callback(null, allowed[0].address, allowed[0].family);
      });
    };
  }

  private allowsHost(host: string): boolean {
    if (this.hosts.has(host)) return true;
    return isIP(host) !== 0 && this.refuseAddressByList(host);
  }

  private refuseAddressByList(address: string): boolean {
    const parsed = ipaddr.process(address);
    return this.ranges.some(
      ([base, bits]) => parsed.kind() === base.kind() && parsed.match(base, bits),
    );
  }
}

/** The URL's host, lower case, without the brackets of an IPv6 literal. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}
