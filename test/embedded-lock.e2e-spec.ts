import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runServiceToExit, startService } from './support/service-process';

/**
 * The embedded database belongs to one process at a time. A CLI run next to the service once
 * printed "Created user" and exited 0, and the user was gone after the next restart.
 */
describe('the embedded data directory is locked', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lotse-lock-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    LOTSE_DATA_DIR: dataDir,
    LOTSE_ADMIN_EMAIL: 'admin@lotse.example',
    LOTSE_ADMIN_PASSWORD: 'correct horse battery staple',
  };
  const late = { email: 'late@lotse.example', password: 'late user password 1' };
  const createLate = () =>
    runCli(['user:create', '--email', late.email, '--admin'], {
      ...env,
      LOTSE_USER_PASSWORD: late.password,
    });
  const signInLate = (url: string) =>
    fetch(`${url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(late),
    });

  it('turns a second process away with a clear error and lets the next one in after a stop', async () => {
    const first = await startService(env);
    try {
      const cli = await createLate();
      expect(cli.code).toBe(1);
      expect(cli.output).toContain(
        `The embedded database in ${dataDir} is in use by another process (pid ${first.child.pid})`,
      );
      expect(cli.output).not.toContain('Created user');

      const second = await runServiceToExit(env);
      expect(second.code).not.toBe(0);
      expect(second.output).toContain(`The embedded database in ${dataDir} is in use`);

      // The first one was not disturbed.
      expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }

    // Nothing was written by the refused CLI; once the service is stopped, the CLI may run.
    const afterRefusal = await startService(env);
    try {
      expect((await signInLate(afterRefusal.url)).status).toBe(401);
    } finally {
      expect(await afterRefusal.stop('SIGTERM')).toBe(0);
    }
    const cli = await createLate();
    expect(cli.output).toContain('Created user');
    expect(cli.code).toBe(0);
    const afterCli = await startService(env);
    try {
      expect((await signInLate(afterCli.url)).status).toBe(200);
    } finally {
      expect(await afterCli.stop('SIGTERM')).toBe(0);
    }
  }, 90_000);

  it('starts after a crash that left the lock behind', async () => {
    const crashed = await startService(env);
    expect(await crashed.stop('SIGKILL')).toBe(null);
    expect(readFileSync(join(dataDir, 'lotse.lock'), 'utf8')).toBe(`${crashed.child.pid}\n`);
    const next = await startService(env);
    expect(await next.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
