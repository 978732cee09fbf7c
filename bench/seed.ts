import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { hashApiKey } from '../src/auth/api-key-hash';
import { BENCH, PHASES } from './config';
import { DESK_TABLES, seedDeskOffice } from './desk-seed';
import { CASES_PER_FOUNDER, seedListFounders } from './filters';

export interface ApiKey {
  id: string;
  key: string;
}

/** What the scenarios need from the seeded database. */
export interface BenchWorld {
  /** the 1M-case listing offices, each with an advisor key */
  list: { id: string; apiKey: string }[];
  /** one office; its cases split in two halves so HTTP and the SQL baseline start from the same state */
  transitions: { officeId: string; key: ApiKey; httpCases: string[]; sqlCases: string[] };
  /** two offices with smallRows and largeRows history rows, each with an auditor key */
  exports: { officeId: string; apiKey: string; rows: number }[];
  /** cases of the first listing office, for GET /cases/:id */
  getCaseIds: string[];
  /** the desk office (50,000 open cases) with an advisor key; not seeded for the embedded database */
  desk: { officeId: string; apiKey: string; openCases: number } | null;
}

/** What to seed: the server run seeds everything; the embedded (PGlite) run fewer list cases, no exports or desk. */
export interface SeedSizes {
  listCases: number;
  exports: boolean;
  desk: boolean;
}

export const FULL_SEED: SeedSizes = { listCases: BENCH.list.cases, exports: true, desk: true };

const activeState = (phase: string) =>
  `{"value":{"active":"${phase}"},"context":{"phase":"${phase}"}}`;

/**
 * Seeds with set-based SQL (generate_series), not through the API: a million cases in well under a
 * minute. session_replication_role = replica skips the foreign-key triggers (the generated rows are
 * consistent by construction); that is what makes the bulk inserts fast.
 */
export async function seed(db: Client, sizes: SeedSizes = FULL_SEED): Promise<BenchWorld> {
  const { transitions, export: ex } = BENCH;
  const list = { ...BENCH.list, cases: sizes.listCases };
  await db.query(`SET session_replication_role = replica`);

  const offices = async (codes: string[]): Promise<string[]> => {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO office (code, name) SELECT c, 'Bench ' || c FROM unnest($1::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n RETURNING id`,
      [codes],
    );
    await db.query(
      `INSERT INTO founder (office_id, first_name, last_name) SELECT unnest($1::uuid[]), 'Bench', 'Founder'`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => r.id);
  };
  const apiKey = async (officeId: string, role: 'advisor' | 'auditor'): Promise<ApiKey> => {
    const key = `lotse_${randomBytes(32).toString('base64url')}`;
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO api_key (office_id, name, role, key_hash, key_prefix) VALUES ($1, 'bench', $2, $3, $4) RETURNING id`,
      [officeId, role, hashApiKey(key), key.slice(0, 12)],
    );
    return { id: rows[0].id, key };
  };

  // Listing: cases spread round-robin over the offices and phases, one second apart in updated_at.
  const listOffices = await offices(
    Array.from({ length: list.offices }, (_, i) => `BENCH-L${String(i + 1).padStart(2, '0')}`),
  );
  // Their founders carry the applicant profile (the filters scenario), CASES_PER_FOUNDER cases each.
  const casesPerOffice = Math.ceil(list.cases / list.offices);
  await seedListFounders(db, listOffices, Math.ceil(casesPerOffice / CASES_PER_FOUNDER));
  await db.query(
    `INSERT INTO founder_case (office_id, created_office_id, founder_id, phase, status, machine_version, state, updated_at, created_at)
     SELECT o.office_id, o.office_id, f.id, p.phase, 'active', 1, p.state::jsonb, now() - g * interval '1 second', now() - g * interval '1 second'
       FROM generate_series(0, $1::int - 1) g
       JOIN unnest($2::uuid[]) WITH ORDINALITY AS o(office_id, n) ON o.n = g % $3 + 1
       JOIN bench_list_founder f ON f.office_id = o.office_id AND f.n = (g / $3) / $7
       JOIN unnest($4::text[], $5::text[]) WITH ORDINALITY AS p(phase, state, n) ON p.n = (g / $3) % $6 + 1`,
    [
      list.cases,
      listOffices,
      list.offices,
      PHASES,
      PHASES.map(activeState),
      PHASES.length,
      CASES_PER_FOUNDER,
    ],
  );

  // Transitions: active cases in phase access at version 1 without history, like new cases.
  const [transitionOffice] = await offices(['BENCH-T']);
  const { rows: tCases } = await db.query<{ id: string }>(
    `INSERT INTO founder_case (office_id, created_office_id, founder_id, phase, status, machine_version, state)
     SELECT $1, $1, f.id, 'access', 'active', 1, $3::jsonb FROM generate_series(1, $2::int), founder f WHERE f.office_id = $1
     RETURNING id`,
    [transitionOffice, 2 * transitions.casesPerSide, activeState('access')],
  );

  // Exports: rowsPerCase history rows per case; any 64-hex strings do as hashes (exports do not verify).
  const exportOffices = sizes.exports ? await offices(['BENCH-XS', 'BENCH-XL']) : [];
  const exportRows = [ex.smallRows, ex.largeRows];
  for (const [i, officeId] of exportOffices.entries()) {
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE export_case ON COMMIT DROP AS SELECT gen_random_uuid() AS id FROM generate_series(1, $1::int)`,
      [exportRows[i] / ex.rowsPerCase],
    );
    await db.query(
      `INSERT INTO founder_case (id, office_id, created_office_id, founder_id, phase, status, machine_version, state, version)
       SELECT e.id, $1, $1, f.id, 'access', 'active', 1, $2::jsonb, $3::int + 1 FROM export_case e, founder f WHERE f.office_id = $1`,
      [officeId, activeState('access'), ex.rowsPerCase],
    );
    // In case_id order, so the (case_id, seq) index is appended to rather than split at random.
    await db.query(
      `INSERT INTO case_history (case_id, seq, at, actor_type, event, from_phase, to_phase, from_status, to_status,
                                 payload, machine_version, case_ref, actor_ref, prev_hash, hash, chain_format, office_id,
                                 written_office_id)
       SELECT e.id, s, now() - ($1::int + 1 - s) * interval '1 hour', 'api_key',
              CASE WHEN s % 2 = 1 THEN 'PAUSE' ELSE 'RESUME' END, 'access', 'access',
              CASE WHEN s % 2 = 1 THEN 'active' ELSE 'paused' END, CASE WHEN s % 2 = 1 THEN 'paused' ELSE 'active' END,
              '{}', 1, md5(e.id::text) || md5(e.id::text || 'r'), md5('actor') || md5('ref'),
              md5(e.id::text || (s - 1)) || md5((s - 1)::text), md5(e.id::text || s) || md5(s::text), 1, $2::uuid, $2::uuid
         FROM (SELECT id FROM export_case ORDER BY id) e CROSS JOIN generate_series(1, $1::int) s`,
      [ex.rowsPerCase, officeId],
    );
    await db.query('COMMIT');
  }

  const desk = sizes.desk ? await seedDeskOffice(db, BENCH.desk.openCases) : null;

  const { rows: sample } = await db.query<{ id: string }>(
    `SELECT id FROM founder_case WHERE office_id = $1 ORDER BY md5(id::text) LIMIT 1000`,
    [listOffices[0]],
  );
  await db.query(`RESET session_replication_role`);

  // One client, so one statement at a time (no Promise.all).
  const listKeys = [];
  for (const id of listOffices) listKeys.push({ id, apiKey: (await apiKey(id, 'advisor')).key });
  const exportKeys = [];
  for (const [i, id] of exportOffices.entries())
    exportKeys.push({
      officeId: id,
      apiKey: (await apiKey(id, 'auditor')).key,
      rows: exportRows[i],
    });
  const world: BenchWorld = {
    list: listKeys,
    transitions: {
      officeId: transitionOffice,
      key: await apiKey(transitionOffice, 'advisor'),
      httpCases: tCases.filter((_, i) => i % 2 === 0).map((r) => r.id),
      sqlCases: tCases.filter((_, i) => i % 2 === 1).map((r) => r.id),
    },
    exports: exportKeys,
    getCaseIds: sample.map((r) => r.id),
    desk: desk && {
      officeId: desk.officeId,
      apiKey: (await apiKey(desk.officeId, 'advisor')).key,
      openCases: desk.openCases,
    },
  };

  // Statistics and the visibility map for the planner, hint bits set, and a checkpoint, so that
  // neither the first measured scenario nor its baseline pays for the bulk load.
  for (const table of [
    'office',
    'founder',
    'api_key',
    'founder_case',
    'case_history',
    'case_history_text',
    'access_log',
    ...(desk ? DESK_TABLES : []),
  ]) {
    await db.query(`VACUUM (ANALYZE) ${table}`);
  }
  await db.query('CHECKPOINT');
  return world;
}
