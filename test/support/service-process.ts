import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The built service (dist/) as a separate process, as `npm start` runs it. */
export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** A built script (dist/) as a child with a minimal environment; stdout and stderr collected. */
function spawnBuilt(
  script: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(__dirname, '../../dist', script), ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

/** The service on a free local port, as `npm start` runs it. */
async function spawnService(env: Record<string, string>) {
  const port = await freePort();
  const spawned = spawnBuilt('src/main.js', [], { PORT: String(port), HOST: '127.0.0.1', ...env });
  return { ...spawned, port };
}

/** Waits for the child to exit by itself (SIGKILL after timeoutMs); its code and output. */
async function runToExit(
  { child, output }: { child: ChildProcess; output: () => string },
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output: output() };
}

/** Runs the built service until it exits by itself (a start that must fail); its code and output. */
export async function runServiceToExit(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  return runToExit(await spawnService(env), timeoutMs);
}

/** Runs the built CLI (`npm run cli -- …` without the build) to its end; its code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  return runToExit(spawnBuilt('scripts/cli.js', args, env), timeoutMs);
}

export async function startService(
  env: Record<string, string>,
  readyWithinMs = 45_000,
): Promise<ServiceProcess> {
  const { child, output, port } = await spawnService(env);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited early:\n${output()}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (Date.now() >= deadline) {
    child.kill('SIGKILL');
    throw new Error(`service not ready within ${readyWithinMs} ms:\n${output()}`);
  }
  return {
    url,
    child,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
