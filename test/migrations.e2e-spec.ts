import { MIGRATIONS } from '../migrations';
import { OfficeDb } from '../src/database/office-transaction';
import type { HistoryRow } from '../src/cases/cases.repository';
import type { ResetHistoryRow } from '../src/reset/reset.row';
import { loadConfig } from '../src/config/config';
import { createDataSource } from '../src/database/data-source';
import { Database } from '../src/database/database';
import { setMigrationSecrets } from '../src/database/migration-context';
import { CasesRepository } from '../src/cases/cases.repository';
import type { AppConfig } from '../src/config/config';
import { exportColumns, ExportKind, exportSelect } from '../src/exports/export-columns';
import { ExportChainVerifier } from '../src/exports/verify/export-verifier';
import {
  HistorySealer,
  storedCaseChainState,
  storedResetChainState,
} from '../src/history-chain/history-sealer';
import { databaseUrl, serviceDatabaseEnv, withAdminClient } from './support/database';

/** Migrations applied to an empty database, and history rows written before the chain got theirs. */
describe('migrations', () => {
  const name = `lotse_t_${process.pid}_mig_${Date.now().toString(36)}`;
  const key = 'migration-test-pseudonym-key-0123456789';
  beforeAll(() => withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`)));
  afterAll(() => withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('chains rows written before the hash-chain migrations, upgrades them to versioned formats and verifies them and their export', async () => {
    const beforeChains = MIGRATIONS.findIndex((m) => m.name === 'HistoryHashChain1764115600000');
    const early = createDataSource({ url: databaseUrl(name), poolSize: 1, embedded: false });
    await early.initialize();
    await early.destroy();
    const partial = new (early.constructor as typeof import('typeorm').DataSource)({
      ...early.options,
      migrations: MIGRATIONS.slice(0, beforeChains),
    });
    await partial.initialize();
    await partial.runMigrations();
    const [o] = await partial.query(
      `INSERT INTO office (code, name) VALUES ('M-1', 'M') RETURNING id`,
    );
    const [f] = await partial.query(
      `INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'A', 'B') RETURNING id`,
      [o.id],
    );
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
    await partial.query(
      `INSERT INTO case_history_text (case_id, seq, texts) VALUES ($1, 1, '{"reason":"krank"}')`,
      [c.id],
    );
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
    // A RE_SET analysis whose DECIDE restarted a case: its payload holds the case id.
    const [a2] = await partial.query(
      `INSERT INTO reset_analysis (office_id, founder_id, state, snapshot, machine_version, business, household_members,
                                   extra_needs_monthly_cents, housing_costs_monthly_cents, other_income_monthly_cents)
       VALUES ($1, $2, 'decided', '{}', 1, '{}', '[]', 0, 0, 0) RETURNING id`,
      [o.id, f.id],
    );
    await partial.query(
      `INSERT INTO reset_history (analysis_id, seq, actor_type, event, from_state, to_state, payload, machine_version)
       VALUES ($1, 1, 'system', 'START_ANALYSIS', 'intake', 'analysing', '{}', 1),
              ($1, 2, 'system', 'DECIDE', 'recommended', 'decided', $2, 1)`,
      [a2.id, JSON.stringify({ accepted: true, caseId: c.id, caseAction: 'reopened' })],
    );
    await partial.query(
      `INSERT INTO reset_history_text (analysis_id, seq, texts) VALUES ($1, 2, '{"note":"ok"}')`,
      [a2.id],
    );
    await partial.destroy();

    setMigrationSecrets({ pseudonymKey: key });
    const full = createDataSource({ url: databaseUrl(name), poolSize: 1, embedded: false });
    await full.initialize();
    try {
      const applied = await full.runMigrations();
      expect(applied.map((m) => m.name)).toContain('HistoryHashChain1764115600000');
      expect(applied.map((m) => m.name)).toContain('ChainFormat1764116200000');
      const caseRows = (): Promise<HistoryRow[]> =>
        full.query(
          `SELECT h.*, t.texts, t.salt FROM case_history h LEFT JOIN case_history_text t USING (case_id, seq) WHERE h.case_id = $1 ORDER BY seq`,
          [c.id],
        );
      const rows = await caseRows();
      expect(rows.map((r) => r.chain_format)).toEqual([1, 1]);
      expect(storedCaseChainState(key, rows)).toMatchObject({
        valid: true,
        length: 2,
        firstBroken: null,
      });
      expect(rows[0].at.toISOString()).toBe('2026-01-01T10:00:00.123Z');
      const resetRows = (id: string): Promise<ResetHistoryRow[]> =>
        full.query(
          `SELECT h.*, t.texts, t.salt FROM reset_history h LEFT JOIN reset_history_text t USING (analysis_id, seq) WHERE analysis_id = $1 ORDER BY seq`,
          [id],
        );
      const [cancelled] = await resetRows(a.id);
      expect(storedResetChainState(key, [cancelled])).toMatchObject({ valid: true, length: 1 });
      expect(cancelled.prev_hash).toBe('0'.repeat(64));
      expect(storedResetChainState(key, await resetRows(a2.id))).toMatchObject({
        valid: true,
        length: 2,
      });
      await expect(full.query(`UPDATE case_history SET event = 'X'`)).rejects.toThrow(
        /append-only/,
      );

      // The upgraded code appends a format-2 row (with a salted text) to the format-1 chain.
      const sealer = new HistorySealer({ pseudonymKey: key } as AppConfig);
      const [{ office_id: officeId }]: { office_id: string }[] = await full.query(
        `SELECT office_id FROM founder_case WHERE id = $1`,
        [c.id],
      );
      await new OfficeDb(full).run({ officeIds: [officeId] }, (tx) =>
        new CasesRepository(sealer).writeTransition(
          tx,
          {
            id: c.id,
            phase: 'access',
            status: 'active',
            state: { value: 'active', context: { phase: 'access' } } as never,
            version: 4,
            phaseChanged: false,
          },
          {
            caseId: c.id,
            seq: 3,
            actorType: 'system',
            actorId: '00000000-0000-4000-8000-000000000001',
            event: 'REOPEN',
            fromPhase: 'access',
            toPhase: 'access',
            fromStatus: 'closed',
            toStatus: 'active',
            payload: {},
            machineVersion: 1,
            texts: { reason: 'Krankheit' },
            prevHash: rows[1].hash,
            officeCode: 'M-1',
          },
        ),
      );
      const upgraded = await caseRows();
      expect(upgraded.map((r) => [r.chain_format, r.office_code])).toEqual([
        [1, null],
        [1, null],
        [2, 'M-1'],
      ]);
      expect(upgraded[2].salt).toMatch(/^[0-9a-f]{32}$/);
      expect(storedCaseChainState(key, upgraded)).toMatchObject({
        valid: true,
        length: 3,
        firstBroken: null,
      });

      // An export of the upgraded rows verifies from the file alone, each row in its format.
      for (const [kind, chains] of [
        ['phase-history', 1],
        ['reset-history', 2],
      ] as [ExportKind, number][]) {
        const shape = { identities: false, texts: false, kind };
        const records = await full.query(exportSelect(exportColumns(shape), shape), [
          [o.id],
          null,
          null,
          null,
        ]);
        const verifier = new ExportChainVerifier(kind);
        for (const record of records) verifier.add(record);
        expect(verifier.report()).toMatchObject({
          rows: records.length,
          cases: chains,
          broken: [],
        });
      }
    } finally {
      setMigrationSecrets({});
      await full.destroy();
    }
  });

  it('lets two instances that start together on an empty database take turns migrating', async () => {
    const fresh = `${name}_pair`;
    await withAdminClient((c) => c.query(`CREATE DATABASE "${fresh}"`));
    try {
      const config = loadConfig({
        ...serviceDatabaseEnv(fresh),
        PSEUDONYM_KEY: key,
        LOG_LEVEL: 'silent',
      });
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
