import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { Client } from 'pg';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  postgres: string;
  node: string;
  settings: string;
}

const SETTINGS = ['shared_buffers', 'work_mem', 'synchronous_commit', 'max_connections'];

/** What the figures were measured on, written beside them. */
export async function describeMachine(db: Client): Promise<Machine> {
  const model =
    /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ??
    cpus()[0]?.model ??
    'unknown';
  const setting = async (name: string) =>
    (await db.query<{ v: string }>(`SELECT current_setting($1) AS v`, [name])).rows[0].v;
  return {
    cpu: model.trim(),
    cores: cpus().length,
    memoryGb: totalmem() / 2 ** 30,
    postgres: await setting('server_version'),
    node: process.version,
    settings: (
      await db.query<{ s: string }>(
        `SELECT string_agg(name || '=' || current_setting(name), ', ') AS s FROM unnest($1::text[]) name`,
        [SETTINGS],
      )
    ).rows[0].s,
  };
}

/** Which code was measured: HEAD, and whether src/ or migrations/ differ from it (read-only git calls). */
export function codeVersion(): string {
  const git = (...args: string[]) =>
    execFileSync('git', args, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    try {
      git('diff', '--quiet', 'HEAD', '--', 'src', 'migrations');
      return `git ${head}`;
    } catch {
      return `git ${head} + uncommitted changes in src/ or migrations/`;
    }
  } catch {
    return 'unknown (no git)';
  }
}

/** The 1-minute load average: other work on the machine while the bench ran shows here. */
export const load1 = (): number => loadavg()[0];
