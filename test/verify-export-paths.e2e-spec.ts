import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { insertFounder, openCase, sendEvent } from './support/cases';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';
import { bufferBody } from './support/exports';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist/scripts/verify-export.js');

/**
 * `npm run verify-export -- export.csv --manifest manifest.json` from the folder holding the files
 * answered ENOENT: npm starts scripts in the package folder and passes the caller's folder in
 * INIT_CWD. Relative paths mean the caller's folder.
 */
describe('verify-export resolves relative paths against the caller’s folder', () => {
  let t: TestApp;
  let w: World;
  const dir = mkdtempSync(join(tmpdir(), 'lotse-verify-paths-'));
  const auditFolder = join(dir, 'audit');
  const args = [
    'export.csv',
    '--manifest',
    'manifest.json',
    '--public-key',
    'keys/public-key.json',
  ];

  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
    await sendEvent(t, w, 'advisorA', c.id, { type: 'PAUSE', reason: 'Urlaub' }).expect(200);
    const res = await t
      .http()
      .get('/api/v1/exports/phase-history')
      .set(w.as('auditorA'))
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
    const id = res.headers['x-export-id'];
    const manifest = await t
      .http()
      .get(`/api/v1/exports/${id}/manifest`)
      .set(w.as('auditorA'))
      .expect(200);
    const key = await t.http().get('/api/v1/exports/public-key').set(w.as('auditorA')).expect(200);
    mkdirSync(join(auditFolder, 'keys'), { recursive: true });
    writeFileSync(join(auditFolder, 'export.csv'), res.body as Buffer);
    writeFileSync(join(auditFolder, 'manifest.json'), JSON.stringify(manifest.body));
    writeFileSync(join(auditFolder, 'keys/public-key.json'), JSON.stringify(key.body));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (cwd: string, env: Record<string, string>) =>
    run(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });

  it('under npm run: the script runs in the package folder, the caller’s folder is INIT_CWD', async () => {
    const { stdout } = await verify(ROOT, {
      npm_lifecycle_event: 'verify-export',
      INIT_CWD: auditFolder,
    });
    expect(stdout).toContain(`file: ${join(auditFolder, 'export.csv')} (csv)`);
    expect(stdout).toContain('manifest signatureValid: ok');
    expect(stdout).toMatch(/\nVALID\n$/);
  });

  it('run directly: relative to the working directory, whatever INIT_CWD an outer npm run left', async () => {
    const { stdout } = await verify(auditFolder, { npm_lifecycle_event: 'test', INIT_CWD: ROOT });
    expect(stdout).toContain('manifest signatureValid: ok');
    expect(stdout).toMatch(/\nVALID\n$/);
  });
});
