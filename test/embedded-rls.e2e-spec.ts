import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REQUEST_ROLE } from '../src/database/request-role';

/**
 * Row-level security in embedded mode (PGlite): what the README says PGlite supports, shown on the
 * service's own built Database (a process of its own: PGlite is an ES module, which Jest cannot
 * load in-process). PGlite has one login, a superuser; the request connections switch to the
 * request role as they connect.
 */
const PROBE = `
require('reflect-metadata');
const { loadConfig } = require('./dist/src/config/config');
const { Database } = require('./dist/src/database/database');
const { OfficeDb } = require('./dist/src/database/office-transaction');
const OTHER = '00000000-0000-4000-8000-0000000000ff';
(async () => {
  const database = await Database.open(loadConfig({
    LOTSE_DATA_DIR: process.env.PROBE_DIR, LOG_LEVEL: 'silent',
    JWT_SECRET: 'embedded-rls-secret-embedded-rls-secret-1', PSEUDONYM_KEY: 'embedded-rls-pseudonym-key-0123456789abc',
  }));
  const db = database.dataSource;
  const out = {};
  [out.role] = await db.query(\`SELECT current_user AS role, session_user AS login, r.rolsuper AS superuser,
    r.rolbypassrls AS bypass FROM pg_roles r WHERE r.rolname = current_user\`);
  const [{ id: office }] = await db.query(\`INSERT INTO office (code, name, region) VALUES ('E-1', 'Embedded', 'x') RETURNING id\`);
  const scoped = new OfficeDb(db);
  const insert = (ids, officeId) => scoped.run({ officeIds: ids }, (tx) =>
    tx.manager.query(\`INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'Samira', 'Haddad')\`, [officeId]));
  await insert([office], office);
  const count = (ids) => scoped.run({ officeIds: ids }, async (tx) => (await tx.manager.query('SELECT count(*)::int AS n FROM founder'))[0].n);
  out.unset = (await db.query('SELECT count(*)::int AS n FROM founder'))[0].n;
  out.own = await count([office]);
  out.other = await count([OTHER]);
  out.none = await count([]);
  out.foreignInsert = await insert([OTHER], office).then(() => 'accepted', (e) => e.message);
  out.forced = (await db.query(\`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relrowsecurity AND relforcerowsecurity\`))[0].n;
  // The limit: the login is the superuser, so RESET ROLE gives its rights back.
  const runner = db.createQueryRunner();
  await runner.query('RESET ROLE');
  out.afterReset = (await runner.query('SELECT count(*)::int AS n FROM founder'))[0].n;
  await runner.release();
  await database.close();
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('row-level security on the embedded database (PGlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lotse-embedded-rls-'));
  let seen: Record<string, unknown>;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', PROBE], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, PROBE_DIR: dir },
      timeout: 120_000,
    });
    seen = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  }, 130_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves requests as the request role, which the policies bind', () => {
    expect(seen.role).toEqual({
      role: REQUEST_ROLE,
      login: 'postgres',
      superuser: false,
      bypass: false,
    });
    expect(seen).toMatchObject({ unset: 0, own: 1, other: 0, none: 0 });
    expect(seen.foreignInsert).toMatch(/row-level security/);
    expect(seen.forced).toBeGreaterThanOrEqual(15);
  });

  it('cannot keep code on the connection from leaving the role: the one limit the README names', () => {
    expect(seen.afterReset).toBe(1);
  });
});
