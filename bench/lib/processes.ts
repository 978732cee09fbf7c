import { ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/* Everything the run starts registers its undo here; run.ts calls cleanUp() in finally and on signals. */
const cleanups: (() => unknown)[] = [];

export function onCleanUp(undo: () => unknown): void {
  cleanups.push(undo);
}

export async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error(`bench clean-up: ${(error as Error).message}`);
    }
  }
}

/** Ctrl-C or a kill still stops the children and drops the scratch database. */
export function cleanUpOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, cleaning up`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface Server {
  url: string;
  pid: number;
  output: () => string;
  stop(): Promise<void>;
}

/** A Node HTTP server (the service or the hello world) as a child process, ready when readyPath answers 200. */
export async function startServer(
  script: string,
  env: Record<string, string>,
  readyPath: string,
  nodeArgs: string[] = [],
): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = () => stopChild(child, 'SIGTERM', 15_000);
  onCleanUp(stop);
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(`${script} exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`${script} not ready within 60 s:\n${output}`);
    const ok = await fetch(url + readyPath).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, output: () => output, stop };
}

async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs a load worker (dist/bench/workers/*.js) in its own process, so that the load generator does
 * not share an event loop with what it measures: one message in (the spec), one message out.
 */
export async function runWorker<Spec, Result>(script: string, spec: Spec): Promise<Result> {
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  onCleanUp(() => stopChild(child, 'SIGKILL', 1000));
  const answer = new Promise<Result>((resolve, reject) => {
    child.once('message', (m: { ok: true; result: Result } | { ok: false; error: string }) =>
      m.ok ? resolve(m.result) : reject(new Error(`${script}: ${m.error}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code} before answering`)),
    );
  });
  child.send(spec as object);
  try {
    return await answer;
  } finally {
    await stopChild(child, 'SIGTERM', 5000);
  }
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU time a process has used so far, in ms (from /proc; 0 once it is gone). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime, stime
  } catch {
    return 0;
  }
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync(`/proc/${pid}/status`, 'utf8'),
  );
  return match ? Number(match[1]) : 0;
}

/** Samples a process's resident memory every `everyMs` until stopped: the peak, and VmHWM (peak since start). */
export function watchRss(
  pid: number,
  everyMs: number,
): { stop(): { peakRssMb: number; hwmMb: number; startRssMb: number } } {
  const startKb = statusKb(pid, 'VmRSS');
  let peakKb = startKb;
  const timer = setInterval(() => (peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'))), everyMs);
  return {
    stop() {
      clearInterval(timer);
      peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'));
      return {
        peakRssMb: peakKb / 1024,
        hwmMb: statusKb(pid, 'VmHWM') / 1024,
        startRssMb: startKb / 1024,
      };
    },
  };
}
