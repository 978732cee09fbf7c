import { MIGRATIONS } from '../migrations';
import type { HistoryRow } from '../src/cases/cases.repository';
import type { ResetHistoryRow } from '../src/reset/reset.row';
import { loadConfig } from '../src/config/config';
import { createDataSource } from '../src/database/data-source';
import { Database } from '../src/database/database';
import { setMigrationSecrets } from '../src/database/migration-context';
import { chainedCaseRow, chainedResetRow } from '../src/history-chain/history-sealer';
import { storedChainState } from '../src/history-chain/stored-chain';
import { databaseUrl, withAdminClient } from './support/database';

/** Migrations applied to an empty database, and history rows written before the chain got theirs. */
describe('migrations', () => {
  const name = `lotse_t_${process.pid}_mig_${Date.now().toString(36)}`;
  const key = 'migration-test-pseudonym-key-0123456789';
  beforeAll(() => withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`)));
  afterAll(() => withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('chains history rows that existed before the hash-chain migrations', async () => {
    const beforeChains = MIGRATIONS.findIndex((m) => m.name === 'HistoryHashChain1764115600000');
    const early = createDataSource({ url: databaseUrl(name), poolSize: 1, embedded: false });
    await early.initialize();
    await early.destroy();
    const partial = new (early.constructor as typeof import('typeorm').DataSource)({ ...early.options, migrations: MIGRATIONS.slice(0, beforeChains) });
    await partial.initialize();
    await partial.runMigrations();
    const [o] = await partial.query(`INSERT INTO office (code, name) VALUES ('M-1', 'M') RETURNING id`);
    const [f] = await partial.query(`INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'A', 'B') RETURNING id`, [o.id]);
    const [c] = await partial.query(
      `INSERT INTO founder_case (office_id, founder_id, phase, status, machine_version, state)
       VALUES ($1, $2, 'access', 'paused', 1, '{"value":"paused","context":{"phase":"access"}}') RETURNING id`,
      [o.id, f.id],
    );
    await partial.query(
      `INSERT INTO case_history (case_id, seq, at, actor_type, event, from_phase, to_phase, from_status, to_status, payload, machine_version)
       VALUES ($1, 1, '2026-01-01T10:00:00.123456Z', 'system', 'PAUSE', 'access', 'access', 'active', 'paused', '{}', 1),
              ($1, 2, '2026-01-02T10:00:00Z', 'system', 'DROP_OUT', 'access', 'access', 'paused', 'closed', '{"reasonCode":"moved"}', 1)`,
      [c.id],
    );
    await partial.query(`INSERT INTO case_history_text (case_id, seq, texts) VALUES ($1, 1, '{"reason":"krank"}')`, [c.id]);
    const [a] = await partial.query(
      `INSERT INTO reset_analysis (office_id, founder_id, state, snapshot, machine_version, business, household_members,
                                   extra_needs_monthly_cents, housing_costs_monthly_cents, other_income_monthly_cents)
       VALUES ($1, $2, 'cancelled', '{}', 1, '{}', '[]', 0, 0, 0) RETURNING id`,
      [o.id, f.id],
    );
    await partial.query(
      `INSERT INTO reset_history (analysis_id, seq, actor_type, event, from_state, to_state, payload, machine_version)
       VALUES ($1, 1, 'system', 'CANCEL', 'intake', 'cancelled', '{}', 1)`,
      [a.id],
    );
    await partial.destroy();

    setMigrationSecrets({ pseudonymKey: key });
    const full = createDataSource({ url: databaseUrl(name), poolSize: 1, embedded: false });
    await full.initialize();
    try {
      const applied = await full.runMigrations();
      expect(applied.map((m) => m.name)).toContain('HistoryHashChain1764115600000');
      const rows: HistoryRow[] = await full.query(
        `SELECT h.*, t.texts FROM case_history h LEFT JOIN case_history_text t USING (case_id, seq) WHERE h.case_id = $1 ORDER BY seq`,
        [c.id],
      );
      const state = storedChainState(rows, (h) =>
        chainedCaseRow(key, { caseId: h.case_id, seq: h.seq, at: h.at, actorType: h.actor_type, actorId: h.actor_id, event: h.event, fromPhase: h.from_phase, toPhase: h.to_phase, fromStatus: h.from_status, toStatus: h.to_status, daysInPhase: h.days_in_phase, payload: h.payload, machineVersion: h.machine_version, texts: null }),
      );
      expect(state).toMatchObject({ valid: true, length: 2, firstBroken: null });
      expect(rows[0].at.toISOString()).toBe('2026-01-01T10:00:00.123Z');
      const resetRows: ResetHistoryRow[] = await full.query(`SELECT h.*, NULL::jsonb AS texts FROM reset_history h WHERE analysis_id = $1`, [a.id]);
      const resetState = storedChainState(resetRows, (h) =>
        chainedResetRow(key, { analysisId: h.analysis_id, seq: h.seq, at: h.at, actorId: h.actor_id, event: h.event, fromState: h.from_state, toState: h.to_state, payload: h.payload, machineVersion: h.machine_version, texts: null }),
      );
      expect(resetState).toMatchObject({ valid: true, length: 1 });
      expect(resetRows[0].prev_hash).toBe('0'.repeat(64));
      await expect(full.query(`UPDATE case_history SET event = 'X'`)).rejects.toThrow(/append-only/);
    } finally {
      setMigrationSecrets({});
      await full.destroy();
    }
  });

  it('lets two instances that start together on an empty database take turns migrating', async () => {
    const fresh = `${name}_pair`;
    await withAdminClient((c) => c.query(`CREATE DATABASE "${fresh}"`));
    try {
      const config = loadConfig({ DATABASE_URL: databaseUrl(fresh), PSEUDONYM_KEY: key, LOG_LEVEL: 'silent' });
      const [a, b] = await Promise.all([Database.open(config), Database.open(config)]);
      const [{ n }] = await a.dataSource.query(`SELECT count(*)::int AS n FROM migrations`);
      expect(n).toBe(MIGRATIONS.length);
      expect(await b.isReady()).toBe(true);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${fresh}" WITH (FORCE)`));
    }
  });
});
