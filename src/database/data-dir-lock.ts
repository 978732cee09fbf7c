import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database belongs to one process at a time: PGlite keeps the database in memory and
 * writes it back on close, so a second process (a CLI next to the running service) would work on a
 * copy and one of the two would silently overwrite the other's writes.
 *
 * The lock is a file holding the owner's pid, created atomically (written under a private name,
 * then hard-linked to the lock name, which fails if it exists). A lock whose process is gone (a
 * crash, a SIGKILL) is stale and taken over. Our own pid in a lock we do not hold is stale too: in a
 * container the service is pid 1 on every start.
 */
export const LOCK_FILE = 'lotse.lock';

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another process` +
        `${pid === null ? '' : ` (pid ${pid})`}. Only one process may open it at a time: stop the ` +
        `service before running the CLI or migrations, or give this one another LOTSE_DATA_DIR. ` +
        `If no such process runs, remove ${join(dataDir, LOCK_FILE)}.`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

const held = new Set<string>();

function ownerOf(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(path: string, pid: number | null): boolean {
  if (pid === null) return false; // unreadable or being written: assume in use
  if (pid === process.pid) return !held.has(path);
  return !isRunning(pid);
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const draft = `${path}.${process.pid}`;
  writeFileSync(draft, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const pid = ownerOf(path);
        if (attempt > 0 || !isStale(path, pid)) throw new DataDirInUseError(dataDir, pid);
        rmSync(path, { force: true }); // another process may have removed it just now
      }
    }
  } finally {
    unlinkSync(draft);
  }
  held.add(path);
  // A process that exits without closing the database (process.exit after a shutdown timeout)
  // leaves no lock behind.
  const onExit = () => release();
  process.once('exit', onExit);
  function release(): void {
    if (!held.delete(path)) return;
    process.removeListener('exit', onExit);
    if (ownerOf(path) === process.pid) unlinkSync(path);
  }
  return { release };
}
