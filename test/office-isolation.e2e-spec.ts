import { Client } from 'pg';
import { CasesRepository } from '../src/cases/cases.repository';
import type { CaseGateRow } from '../src/cases/case.row';
import { OfficeDb } from '../src/database/office-transaction';
import type { NamedStatement } from '../src/database/pg-driver';
import { REQUEST_ROLE } from '../src/database/request-role';
import { insertFounder, openCase } from './support/cases';
import { requestUrl } from './support/database';
import { startTestApp, type TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

/** Tables that carry an office_id but hold no social data, read before an office is known. */
const IDENTITY_TABLES = ['api_key', 'membership', 'oidc_mapping'];

async function asRequestRole<T>(t: TestApp, work: (c: Client) => Promise<T>): Promise<T> {
  const database = new URL(t.config.databaseUrl!).pathname.slice(1);
  const client = new Client({ connectionString: requestUrl(database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('the database refuses what the code forgets (row-level security)', () => {
  let t: TestApp;
  let w: World;
  let caseA: string;
  let caseB: string;
  useSeededApp((app, world) => {
    [t, w] = [app, world];
  });
  beforeAll(async () => {
    caseA = (await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA))).id;
    caseB = (
      await openCase(t, w, 'advisorB', await insertFounder(t, w.officeB, { last_name: 'Nowak' }))
    ).id;
    // A contact and a history row in each office, so that the child tables have rows too.
    for (const [persona, id] of [
      ['advisorA', caseA],
      ['advisorB', caseB],
    ] as const) {
      await t
        .http()
        .post(`/api/v1/cases/${id}/contacts`)
        .set(w.as(persona))
        .send({ on: '2026-02-01', minutes: 30, format: 'in_person', kind: 'first_counselling' })
        .expect(201);
      await t
        .http()
        .post(`/api/v1/cases/${id}/events`)
        .set(w.as(persona))
        .send({ type: 'PAUSE', reason: 'Urlaub' })
        .expect(200);
    }
  });

  it('puts every table with office data under ENABLE and FORCE row-level security', async () => {
    const rows: { table: string; rls: boolean; forced: boolean; office: boolean }[] = await t.db
      .query(`
      SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
             EXISTS (SELECT 1 FROM information_schema.columns k
                      WHERE k.table_schema = 'public' AND k.table_name = c.relname AND k.column_name IN ('office_id', 'office_ids')) AS office
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`);
    const secured = rows.filter((r) => r.rls).map((r) => r.table);
    expect(rows.filter((r) => r.rls && !r.forced)).toEqual([]);
    expect(rows.filter((r) => r.office && !r.rls).map((r) => r.table)).toEqual(IDENTITY_TABLES);
    expect(secured).toEqual(
      expect.arrayContaining([
        'access_log',
        'case_contact',
        'case_history',
        'case_history_text',
        'erasure_record',
        'export_chain_head',
        'export_manifest',
        'founder',
        'founder_case',
        'idempotent_request',
        'reset_analysis',
        'reset_history',
        'reset_history_text',
        'reset_period_line',
        'reset_period_version',
      ]),
    );
  });

  it('returns no rows of any office table to a query run without app.office_ids', async () => {
    const secured: { table: string }[] = await t.db.query(
      `SELECT relname AS table FROM pg_class WHERE relrowsecurity AND relkind = 'r' ORDER BY 1`,
    );
    const counts = await asRequestRole(t, async (c) => {
      expect((await c.query(`SELECT current_user AS u`)).rows[0].u).toBe(REQUEST_ROLE);
      const out: Record<string, number> = {};
      for (const { table } of secured) {
        out[table] = (await c.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
      }
      // The same with the setting present but empty (what a finished transaction leaves behind).
      await c.query(`BEGIN`);
      await c.query(`SELECT set_config('app.office_ids', '', true)`);
      for (const { table } of secured)
        out[`${table} (empty)`] = (
          await c.query(`SELECT count(*)::int AS n FROM ${table}`)
        ).rows[0].n;
      await c.query(`COMMIT`);
      return out;
    });
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    expect(Object.keys(counts)).toHaveLength(secured.length * 2);
    // The rows are there: the owner (a superuser here) sees them.
    const [seen] = await t.db.query(
      `SELECT (SELECT count(*) FROM founder_case)::int AS cases, (SELECT count(*) FROM case_history)::int AS history,
              (SELECT count(*) FROM case_contact)::int AS contacts, (SELECT count(*) FROM access_log)::int AS log`,
    );
    expect(seen).toMatchObject({ cases: 2, history: 2, contacts: 2 });
    expect(seen.log).toBeGreaterThan(0);
  });

  it('lets the request role write only rows of the offices in its scope', async () => {
    const error = await asRequestRole(t, async (c) => {
      await c.query(`BEGIN`);
      await c.query(`SELECT set_config('app.office_ids', $1, true)`, [w.officeA]);
      const seen = (await c.query(`SELECT id FROM founder_case`)).rows.map((r) => r.id);
      expect(seen).toEqual([caseA]);
      const moved = await c.query(`UPDATE founder_case SET coaching = true WHERE id = $1`, [caseB]);
      expect(moved.rowCount).toBe(0);
      const refused = await c
        .query(`INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'X', 'Y')`, [
          w.officeB,
        ])
        .catch((e: Error) => e);
      await c.query(`ROLLBACK`);
      return refused;
    });
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('row-level security');
  });

  it('serves one pooled connection to two offices in turn without carrying one request\u2019s offices into the next', async () => {
    // A second app on the same database with a pool of exactly one connection.
    const single = await startTestApp({ DATABASE_POOL_SIZE: '1' }, t);
    try {
      const pids = new Set<number>();
      for (let round = 0; round < 4; round++) {
        for (const [persona, mine, theirs] of [
          ['advisorA', caseA, caseB],
          ['advisorB', caseB, caseA],
        ] as const) {
          const list = await single.http().get('/api/v1/cases').set(w.as(persona)).expect(200);
          expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([mine]);
          await single.http().get(`/api/v1/cases/${mine}`).set(w.as(persona)).expect(200);
          await single.http().get(`/api/v1/cases/${theirs}`).set(w.as(persona)).expect(404);
          await single.http().get(`/api/v1/cases/${mine}/history`).set(w.as(persona)).expect(200);
          // The one connection between requests: the setting ended with the request's transaction.
          const [after] = await single.serviceDb.query(
            `SELECT current_setting('app.office_ids', true) AS offices, pg_backend_pid() AS pid, current_user AS role`,
          );
          expect(after.offices ?? '').toBe('');
          expect(after.role).toBe(REQUEST_ROLE);
          pids.add(after.pid);
        }
      }
      expect(pids.size).toBe(1);
    } finally {
      await single.close();
    }
  });

  it('still returns nothing of another office when the code-level check of a route is switched off', async () => {
    // Test build only: GET /cases/:id with the repository's office filter removed.
    const repository = t.app.get(CasesRepository);
    const original = repository.byIdStatement.bind(repository);
    const leakySql = `SELECT c.*, f.consent_given_on, f.self_employment_permitted, f.german_level, f.benefit_status,
                f.erased_at AS founder_erased_at, false AS has_first_counselling_contact
           FROM founder_case c JOIN founder f ON f.id = c.founder_id WHERE c.id = $1`;
    // The route reads through this named statement (OfficeDb.read), in one round trip.
    const leaky = (id: string): NamedStatement => ({
      name: 'case_by_id_leaky',
      text: leakySql,
      values: [id],
    });
    // Without row-level security (the owner, a superuser) the leaky query does leak: the check is really off.
    const leaked = await new OfficeDb(t.db).run({ officeIds: [w.officeA] }, async (tx) => {
      const rows: CaseGateRow[] = await tx.manager.query(leakySql, [caseB]);
      return rows[0] ?? null;
    });
    expect(leaked?.office_id).toBe(w.officeB);
    repository.byIdStatement = leaky;
    try {
      const refused = await t
        .http()
        .get(`/api/v1/cases/${caseB}`)
        .set(w.as('advisorA'))
        .expect(404);
      expect(refused.body.code).toBe('not_found');
      // The route itself works: the caller's own case comes back through the same leaky code.
      await t.http().get(`/api/v1/cases/${caseA}`).set(w.as('advisorA')).expect(200);
    } finally {
      repository.byIdStatement = original;
    }
  });
});
