import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const IP =
  ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'ip';
const PREFIX = 'lotse-t-';

/**
 * A network namespace of the test's own, joined to the host by a veth pair on a /30 of
 * 10.213.0.0/16: the host side has `hostAddress` (where the app listens), the namespace
 * `peerAddress`. A client run inside the namespace (`ip netns exec <name> ...`) reaches the
 * host over a non-loopback address without any traffic leaving the machine: the namespace has
 * only lo and its end of the veth, so it cannot reach eth0 or anything beyond.
 */
export interface TestNetwork {
  /** the namespace's name, for `ip netns exec` */
  name: string;
  ip: string;
  hostAddress: string;
  peerAddress: string;
  /** Deletes the namespace and both ends of the veth; safe to call twice, never throws. */
  destroy(): Promise<void>;
}

async function ip(...args: string[]): Promise<string> {
  try {
    return (await exec(IP, args)).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`\`${IP} ${args.join(' ')}\` failed: ${stderr || (error as Error).message}`);
  }
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Namespaces of earlier runs whose process died before its afterAll (kill -9, a crash). */
async function removeOrphans(): Promise<void> {
  const names = (await ip('netns', 'list').catch(() => ''))
    .split('\n')
    .map((line) => line.split(' ')[0]);
  for (const name of names) {
    const pid = Number(name.startsWith(PREFIX) ? name.slice(PREFIX.length).split('-')[0] : NaN);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) {
      await ip('netns', 'delete', name).catch(() => undefined);
    }
  }
}

/** A third octet of 10.213.x.0/30 that no interface of the host uses yet. */
async function freeSubnet(): Promise<number> {
  const used = new Set(
    [...(await ip('-o', '-4', 'addr', 'show')).matchAll(/inet 10\.213\.(\d+)\./g)].map((m) =>
      Number(m[1]),
    ),
  );
  for (let i = 0; i < 256; i++) {
    const octet = (process.pid + i) % 256;
    if (!used.has(octet)) return octet;
  }
  throw new Error('No free 10.213.x.0/30 subnet for a test network');
}

let counter = 0;

/**
 * Creates the namespace and the veth pair. Needs root (CAP_NET_ADMIN) and iproute2; when the
 * kernel or the container refuses, it throws saying so (the test fails, it does not skip).
 */
export async function createTestNetwork(): Promise<TestNetwork> {
  const n = counter++;
  const name = `${PREFIX}${process.pid}-${n}`;
  // Interface names have at most 15 characters.
  const id = `${process.pid.toString(36)}${n.toString(36)}`;
  const hostLink = `lt${id}h`;
  const peerLink = `lt${id}n`;
  let created = false;
  const destroy = async (): Promise<void> => {
    // Deleting the namespace deletes the end of the veth inside it, and with it the host's end.
    if (created) await ip('netns', 'delete', name).catch(() => undefined);
    await ip('link', 'delete', hostLink).catch(() => undefined);
    created = false;
  };
  try {
    await removeOrphans();
    await ip('netns', 'add', name);
    created = true;
    const octet = await freeSubnet();
    const hostAddress = `10.213.${octet}.1`;
    const peerAddress = `10.213.${octet}.2`;
    await ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', peerLink);
    await ip('link', 'set', peerLink, 'netns', name);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostLink);
    await ip('link', 'set', hostLink, 'up');
    await ip('-n', name, 'addr', 'add', `${peerAddress}/30`, 'dev', peerLink);
    await ip('-n', name, 'link', 'set', peerLink, 'up');
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    return { name, ip: IP, hostAddress, peerAddress, destroy };
  } catch (error) {
    await destroy();
    throw new Error(
      `Cannot set up the test's network namespace (needs root with CAP_NET_ADMIN and iproute2; ` +
        `running as uid ${process.getuid?.()}): ${(error as Error).message}`,
    );
  }
}
