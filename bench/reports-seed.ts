import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { hashPassword } from '../src/auth/password';
import {
  COMPLETION_OUTCOMES,
  DROP_OUT_REASONS,
  PHASES,
  type Phase,
} from '../src/phase-model/phase-model.types';

/** What the reports scenario needs from its seeded offices. */
export interface ReportsWorld {
  /** the report offices, in code order */
  officeIds: string[];
  /** an auditor of every report office: signs in over HTTP for a bearer token */
  auditor: { email: string; password: string };
  cases: number;
  historyRows: number;
  /** the first and last history day (UTC), for the report periods */
  firstDay: string;
  lastDay: string;
  /** seconds per seeding step, in order */
  steps: [string, number][];
}

/** Runs a seeding step and notes its seconds. */
async function step<T>(
  steps: [string, number][],
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  const result = await work();
  steps.push([name, (performance.now() - t0) / 1000]);
  return result;
}

const DAY = 86_400_000;
const YEARS = 3;

/** A small, fast, seeded PRNG (mulberry32): the same walks on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Days a case typically stays in each phase before it moves on (min, max), roughly as offices report. */
const STAY: Record<Phase, [number, number]> = {
  access: [2, 45],
  first_counselling: [7, 75],
  planning: [20, 180],
  launch: [30, 240],
  consolidation: [60, 400],
};
const FORWARD_EVENT: Record<Phase, string> = {
  access: 'START_COUNSELLING',
  first_counselling: 'START_PLANNING',
  planning: 'LAUNCH',
  launch: 'START_CONSOLIDATION',
  consolidation: 'COMPLETE',
};

interface Step {
  at: number;
  event: string;
  fromPhase: Phase;
  toPhase: Phase;
  fromStatus: string;
  toStatus: string;
  payload: string;
  daysInPhase: number | null;
}

/** The case row's final state after its walk, and the milestone dates the walk implies. */
interface Walked {
  steps: Step[];
  phase: Phase;
  status: 'active' | 'paused' | 'closed';
  phaseEnteredAt: number;
  closedReason: 'dropped_out' | 'completed' | null;
  outcome: string | null;
  exitedAt: number | null;
  reached: Set<Phase>;
  /** when each phase was first entered */
  enteredAt: Partial<Record<Phase, number>>;
}

const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const between = (r: () => number, [lo, hi]: [number, number]) => lo + r() * (hi - lo);

/**
 * One case's random walk through the phase machine (src/phase-model/case-machine.ts) from its
 * creation: mostly forward, with pauses (and resumes), step-backs, drop-outs by reason code and
 * completions by outcome, each after a stay drawn for its phase; 3–6 rows aimed at, fewer when the
 * case closes early or when the next step would lie after `now`. REOPEN is left out (lead-only and
 * rare), so a closed case stays closed.
 */
function walk(r: () => number, createdAt: number, now: number): Walked {
  const target = 3 + Math.floor(r() * 4);
  const steps: Step[] = [];
  let phase: Phase = 'access';
  let status: Walked['status'] = 'active';
  let phaseEnteredAt = createdAt;
  let at = createdAt;
  let closedReason: Walked['closedReason'] = null;
  let outcome: string | null = null;
  const enteredAt: Walked['enteredAt'] = { access: createdAt };
  const reached = new Set<Phase>(['access']);
  while (steps.length < target && status !== 'closed') {
    const x = r();
    let event: string;
    let to: Phase = phase;
    let toStatus: Walked['status'] = status;
    let payload = '{}';
    let stay: number;
    if (status === 'paused') {
      stay = between(r, [7, 90]);
      if (x < 0.75) {
        event = 'RESUME';
        toStatus = 'active';
      } else {
        event = 'DROP_OUT';
        toStatus = 'closed';
        payload = `{"reasonCode":"${pick(r, DROP_OUT_REASONS)}"}`;
      }
    } else if (x < 0.08) {
      stay = between(r, [1, 40]);
      event = 'PAUSE';
      toStatus = 'paused';
    } else if (x < 0.15) {
      stay = between(r, STAY[phase]);
      event = 'DROP_OUT';
      toStatus = 'closed';
      payload = `{"reasonCode":"${pick(r, DROP_OUT_REASONS)}"}`;
    } else if (x < 0.21 && phase !== 'access') {
      stay = between(r, [3, 30]);
      event = 'STEP_BACK';
      to = PHASES[PHASES.indexOf(phase) - 1];
    } else {
      stay = between(r, STAY[phase]);
      event = FORWARD_EVENT[phase];
      if (phase === 'consolidation') {
        toStatus = 'closed';
        // Most completed cases founded; main occupation more often than side.
        const y = r();
        const o =
          y < 0.55
            ? COMPLETION_OUTCOMES[0]
            : y < 0.8
              ? COMPLETION_OUTCOMES[1]
              : pick(r, COMPLETION_OUTCOMES.slice(2));
        outcome = o;
        payload = `{"outcome":"${o}","followUpOn":"${new Date(at + stay * DAY + 180 * DAY).toISOString().slice(0, 10)}"}`;
      } else {
        to = PHASES[PHASES.indexOf(phase) + 1];
      }
    }
    const next = at + stay * DAY;
    if (next >= now) break;
    at = next;
    const changes = to !== phase;
    steps.push({
      at,
      event,
      fromPhase: phase,
      toPhase: to,
      fromStatus: status,
      toStatus,
      payload,
      daysInPhase: changes ? Math.floor((at - phaseEnteredAt) / DAY) : null,
    });
    if (changes) {
      phase = to;
      phaseEnteredAt = at;
      if (!reached.has(to)) {
        reached.add(to);
        enteredAt[to] = at;
      }
    }
    if (toStatus === 'closed') closedReason = event === 'COMPLETE' ? 'completed' : 'dropped_out';
    status = toStatus;
  }
  return {
    steps,
    phase,
    status,
    phaseEnteredAt,
    closedReason,
    outcome,
    exitedAt: status === 'closed' ? at : null,
    reached,
    enteredAt,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);
/** COPY text format: \N is NULL; the values written here hold no tabs, newlines or backslashes. */
const cell = (v: string | number | boolean | null) => (v === null ? '\\N' : String(v));

function stateOf(w: Walked): string {
  const context =
    w.closedReason === null
      ? `{"phase":"${w.phase}"}`
      : `{"phase":"${w.phase}","closedReason":"${w.closedReason}"}`;
  const value =
    w.status === 'active'
      ? `{"active":"${w.phase}"}`
      : w.status === 'paused'
        ? '"paused"'
        : '"closed"';
  return `{"value":${value},"context":${context}}`;
}

const CASE_COLUMNS = [
  'id',
  'office_id',
  'created_office_id',
  'founder_id',
  'phase',
  'status',
  'machine_version',
  'state',
  'version',
  'phase_entered_at',
  'funding_route',
  'main_occupation',
  'business_plan_completed_on',
  'viability_statement',
  'funding_applied_on',
  'funding_approved_on',
  'business_started_on',
  'outcome',
  'exited_on',
  'created_at',
  'updated_at',
];
const HISTORY_COLUMNS = [
  'case_id',
  'seq',
  'at',
  'actor_type',
  'event',
  'from_phase',
  'to_phase',
  'from_status',
  'to_status',
  'payload',
  'machine_version',
  'days_in_phase',
  'case_ref',
  'actor_ref',
  'prev_hash',
  'hash',
  'chain_format',
  'office_id',
  'written_office_id',
];
const ACTOR_REF = 'a'.repeat(64);

/** The COPY text rows of one case's history. */
function history(out: string[], id: string, officeId: string, steps: Step[]): void {
  const ref = id.replace(/-/g, '');
  const caseRef = ref + ref;
  steps.forEach((s, k) => {
    const seq = k + 1;
    out.push(
      [
        id,
        seq,
        iso(s.at),
        'api_key',
        s.event,
        s.fromPhase,
        s.toPhase,
        s.fromStatus,
        s.toStatus,
        s.payload,
        1,
        s.daysInPhase,
        caseRef,
        ACTOR_REF,
        // Any 64-hex strings do as chain hashes: the bench never verifies the chain.
        seq === 1 ? '0'.repeat(64) : `${ref}${String(seq - 1).padStart(32, '0')}`,
        `${ref}${String(seq).padStart(32, '0')}`,
        1,
        officeId,
        officeId,
      ]
        .map(cell)
        .join('\t'),
    );
  });
}

/** A version 4 UUID from the seeded PRNG, so that a second pass over the walks names the same cases. */
function uuidOf(r: () => number): string {
  const hex = Array.from({ length: 4 }, () =>
    Math.floor(r() * 4294967296)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The COPY text of `cases` walks, a few thousand cases at a time: the case rows (`kind` cases) or
 * their history rows. The PRNG is seeded, so the two passes walk the same cases: the history is
 * generated again instead of being held in memory (millions of rows) until the cases are in.
 */
function* generate(
  kind: 'cases' | 'history',
  cases: number,
  offices: { id: string; founderId: string }[],
  start: number,
  now: number,
  counter: { history: number },
): Generator<string> {
  const r = prng(20261202);
  const span = now - 30 * DAY - start;
  const BATCH = 5_000;
  for (let done = 0; done < cases; done += BATCH) {
    const c: string[] = [];
    const h: string[] = [];
    for (let i = done; i < Math.min(cases, done + BATCH); i++) {
      const office = offices[i % offices.length];
      const id = uuidOf(r);
      const createdAt = start + r() * span;
      const w = walk(r, createdAt, now);
      const planningAt = w.enteredAt.planning;
      const launchAt = w.enteredAt.launch;
      // Milestones: recorded during planning (plan, viability, application), the approval and
      // the business start around the launch; not every case that moved on has each of them.
      const inPlanning = (f: number) =>
        planningAt === undefined
          ? null
          : planningAt + f * ((launchAt ?? Math.min(now, planningAt + 120 * DAY)) - planningAt);
      const plan =
        planningAt !== undefined && (launchAt !== undefined || r() < 0.4)
          ? inPlanning(0.5 + 0.4 * r())
          : null;
      const viability =
        plan !== null && r() < 0.8 ? Math.min(now - DAY, plan + r() * 20 * DAY) : null;
      const applied =
        viability !== null && r() < 0.85 ? Math.min(now - DAY, viability + r() * 15 * DAY) : null;
      const approved =
        applied !== null && launchAt !== undefined && r() < 0.8
          ? Math.min(now - DAY, applied + r() * 30 * DAY)
          : null;
      const started =
        launchAt !== undefined ? Math.min(now - DAY, launchAt + r() * 30 * DAY) : null;
      const mainOccupation =
        w.outcome === 'founded_main'
          ? true
          : w.outcome === 'founded_side'
            ? false
            : started !== null
              ? r() < 0.65
              : null;
      const fundingRoute =
        planningAt !== undefined
          ? pick(r, ['einstiegsgeld', 'gruendungszuschuss', 'sgb2_16c', 'none'])
          : null;
      // No draws below this line: both passes must draw the same numbers.
      counter.history += w.steps.length;
      if (kind === 'history') {
        history(h, id, office.id, w.steps);
        continue;
      }
      const lastAt = w.steps.length ? w.steps[w.steps.length - 1].at : createdAt;
      c.push(
        [
          id,
          office.id,
          office.id,
          office.founderId,
          w.phase,
          w.status,
          1,
          stateOf(w),
          w.steps.length + 1,
          iso(w.phaseEnteredAt),
          fundingRoute,
          mainOccupation,
          plan === null ? null : day(plan),
          viability === null ? null : `{"issuedBy":"IHK Bench","issuedOn":"${day(viability)}"}`,
          applied === null ? null : day(applied),
          approved === null ? null : day(approved),
          started === null ? null : day(started),
          w.outcome,
          w.exitedAt === null ? null : day(w.exitedAt),
          iso(createdAt),
          iso(lastAt),
        ]
          .map(cell)
          .join('\t'),
      );
    }
    if (kind === 'cases') yield c.join('\n') + '\n';
    else if (h.length) yield h.join('\n') + '\n';
  }
}

/**
 * The reports' data: `cases` cases over `officeCount` offices, created over the last three years,
 * each with its random walk through the phase machine as history rows (3–6 aimed at, increasing
 * `at`), the case row in the walk's final state with its milestone dates (business plan,
 * viability statement, funding applied and approved, business start, main or side occupation,
 * exit day, outcome). Generated here (seeded PRNG) and loaded with COPY under
 * session_replication_role = replica: that skips the per-row triggers for this session only
 * (the append-only and counting triggers, and the foreign-key checks; the rows are consistent by
 * construction) without ALTER TABLE ... DISABLE TRIGGER, which would take an exclusive lock and
 * switch the triggers off for the running service too. Then report_day_count is filled in one
 * INSERT ... SELECT (reportCountsFill below).
 */
export async function seedReports(
  db: Client,
  cases: number,
  officeCount: number,
): Promise<ReportsWorld> {
  const now = Date.now();
  const start = now - YEARS * 365.25 * DAY;
  const { rows: offices } = await db.query<{ id: string }>(
    `INSERT INTO office (code, name)
     SELECT 'BENCH-R' || lpad(g::text, 2, '0'), 'Bench reports ' || g FROM generate_series(1, $1::int) g ORDER BY g
     RETURNING id`,
    [officeCount],
  );
  const officeIds = offices.map((o) => o.id);
  const { rows: founders } = await db.query<{ id: string; office_id: string }>(
    `INSERT INTO founder (office_id, first_name, last_name) SELECT unnest($1::uuid[]), 'Bench', 'Founder' RETURNING id, office_id`,
    [officeIds],
  );
  const founderOf = new Map(founders.map((f) => [f.office_id, f.id]));
  const withFounders = officeIds.map((id) => ({ id, founderId: founderOf.get(id)! }));

  const steps: [string, number][] = [];
  await db.query(`SET session_replication_role = replica`);
  const counter = { history: 0 };
  await step(steps, 'cases (COPY)', () =>
    pipeline(
      Readable.from(generate('cases', cases, withFounders, start, now, { history: 0 })),
      db.query(copyFrom(`COPY founder_case (${CASE_COLUMNS.join(', ')}) FROM STDIN`)),
    ),
  );
  await step(steps, 'history (COPY)', () =>
    pipeline(
      Readable.from(generate('history', cases, withFounders, start, now, counter)),
      db.query(copyFrom(`COPY case_history (${HISTORY_COLUMNS.join(', ')}) FROM STDIN`)),
    ),
  );
  await db.query(`RESET session_replication_role`);
  await step(steps, 'report_day_count', () => db.query(reportCountsFill(), [officeIds]));

  // An auditor of every report office, with a real password: the all-offices reports need a
  // principal with memberships in all of them (an API key belongs to one office).
  const auditor = { email: 'reports-auditor@bench.test', password: randomUUID() };
  const {
    rows: [user],
  } = await db.query<{ id: string }>(
    `INSERT INTO app_user (email, name, password_hash) VALUES ($1, 'Bench auditor', $2) RETURNING id`,
    [auditor.email, await hashPassword(auditor.password)],
  );
  await db.query(
    `INSERT INTO membership (user_id, office_id, role) SELECT $1, unnest($2::uuid[]), 'auditor'`,
    [user.id, officeIds],
  );
  await step(steps, 'VACUUM (ANALYZE), CHECKPOINT', async () => {
    for (const table of [
      'founder_case',
      'case_history',
      'report_day_count',
      'office',
      'membership',
    ])
      await db.query(`VACUUM (ANALYZE) ${table}`);
    await db.query('CHECKPOINT');
  });
  return {
    steps,
    officeIds,
    auditor,
    cases,
    historyRows: counter.history,
    firstDay: day(start),
    lastDay: day(now),
  };
}

/** The forward events: each one enters the next phase (src/phase-model). */
const FORWARD = `('START_COUNSELLING', 'START_PLANNING', 'LAUNCH', 'START_CONSOLIDATION')`;

/**
 * The daily counts of the seeded offices ($1) in one INSERT ... SELECT: the same definitions as
 * the REPORT_COUNTS_SQL of migrations/1764116700000-ReportCounts.ts (not exported: a landed
 * migration is frozen), restricted to the seeded offices, whose rows the counting triggers did
 * not see (replica role). The property test in test/ proves that the triggers and that query
 * agree, so these counts are the ones the triggers would have written.
 */
function reportCountsFill(): string {
  return `
  INSERT INTO report_day_count (office_id, day, metric, key, n)
  WITH h AS (
    SELECT h.*, (h.at AT TIME ZONE 'Europe/Berlin')::date AS day,
           row_number() OVER (PARTITION BY h.case_id, h.event ORDER BY h.seq) AS nth
      FROM case_history h WHERE h.written_office_id = ANY($1::uuid[])),
  facts AS (
    SELECT created_office_id AS office_id, (created_at AT TIME ZONE 'Europe/Berlin')::date AS day,
           'created' AS metric, '' AS key
      FROM founder_case WHERE created_office_id = ANY($1::uuid[])
    UNION ALL SELECT written_office_id, day, 'event', event FROM h
    UNION ALL SELECT written_office_id, day, 'first_entry', to_phase FROM h
     WHERE event IN ${FORWARD} AND nth = 1
    UNION ALL SELECT written_office_id, day, 'drop_out', COALESCE(payload->>'reasonCode', 'other') FROM h
     WHERE event = 'DROP_OUT'
    UNION ALL SELECT written_office_id, day, 'complete', COALESCE(payload->>'outcome', 'other') FROM h
     WHERE event = 'COMPLETE'
    UNION ALL SELECT written_office_id, day, 'step_back', from_phase FROM h WHERE event = 'STEP_BACK'
    UNION ALL SELECT written_office_id, day, 'pause', to_phase FROM h WHERE event = 'PAUSE'
    -- The milestones, with the database's own definition (migrations/1764117200000-MilestoneCounts.ts).
    UNION ALL SELECT m.office_id, m.day, 'milestone', m.key
      FROM founder_case c CROSS JOIN LATERAL case_milestones(c) m WHERE c.office_id = ANY($1::uuid[]))
  SELECT office_id, day, metric, key, count(*)::integer FROM facts GROUP BY 1, 2, 3, 4`;
}

/**
 * ESF Plus participants: entry records (esf_entry) for `participants` of the seeded cases, drawn
 * at random, each moved to a founder of its own (the export names a participant by a pseudonym of
 * the founder), with the entry day on the case's creation day, 70 % voluntary answers, 10 hours
 * of counselling contacts each (above the 8-hour short-contact threshold, so that every one is a
 * participant in the export and the COPY baseline alike), one or two exit records within 28 days
 * of leaving for the closed cases, and a follow-up six months after leaving for half of those
 * with follow-up consent. Set-based SQL under the replica role (seeded random()). Null when the
 * ESF tables are not there (migrations/1764117000000-EsfParticipants.ts not landed).
 */
export async function seedEsfParticipants(
  db: Client,
  officeIds: string[],
  participants: number,
  steps: [string, number][],
): Promise<number | null> {
  const t0 = performance.now();
  const {
    rows: [{ present }],
  } = await db.query<{ present: boolean }>(
    `SELECT to_regclass('esf_entry') IS NOT NULL AS present`,
  );
  if (!present) return null;
  await db.query(`SELECT setseed(0.1402)`);
  await db.query(`SET session_replication_role = replica`);
  await db.query(
    `CREATE TEMP TABLE esf_case ON COMMIT PRESERVE ROWS AS
     SELECT c.id, c.office_id, gen_random_uuid() AS founder_id, (c.created_at AT TIME ZONE 'Europe/Berlin')::date AS entry_on,
            CASE WHEN c.status = 'closed' THEN c.exited_on END AS left_on
       FROM founder_case c WHERE c.created_office_id = ANY($1::uuid[])
      ORDER BY md5(c.id::text) LIMIT $2`,
    [officeIds, participants],
  );
  await db.query(
    `INSERT INTO founder (id, office_id, first_name, last_name, follow_up_consent_on)
     SELECT founder_id, office_id, 'Bench', 'Participant', CASE WHEN random() < 0.6 THEN entry_on END FROM esf_case`,
  );
  await db.query(
    `UPDATE founder_case c SET founder_id = e.founder_id FROM esf_case e WHERE c.id = e.id`,
  );
  await db.query(
    `INSERT INTO esf_entry (case_id, office_id, entry_on, employment_status, gender, age_at_entry, isced_level,
                            third_country_national, born_abroad, parents_born_abroad, foreign_background)
     SELECT id, office_id, entry_on,
            (ARRAY['unemployed', 'long_term_unemployed', 'inactive', 'employed'])[1 + floor(random() * 4)::int],
            CASE WHEN r < 0.45 THEN 'female' WHEN r < 0.99 THEN 'male' ELSE 'non_binary' END,
            18 + floor(random() * 47)::int, floor(random() * 9)::int, tcn, abroad,
            p, abroad OR p = 'both'
       FROM (SELECT *, random() AS r, random() < 0.3 AS tcn, random() < 0.4 AS abroad,
                    (ARRAY['both', 'one', 'none', 'not_stated'])[1 + floor(random() * 4)::int] AS p
               FROM esf_case) x`,
  );
  await db.query(
    `INSERT INTO esf_voluntary (case_id, office_id, disability, minority, homeless_or_housing_exclusion)
     SELECT id, office_id, a[1 + floor(random() * 3)::int], a[1 + floor(random() * 3)::int], a[1 + floor(random() * 3)::int]
       FROM esf_case, (SELECT ARRAY['yes', 'no', 'not_stated'] AS a) v WHERE random() < 0.7`,
  );
  await db.query(
    `INSERT INTO case_contact (case_id, office_id, "on", minutes, format, kind)
     SELECT id, office_id, entry_on + k * 7, 150, 'in_person', CASE WHEN k = 0 THEN 'first_counselling' ELSE 'counselling' END
       FROM esf_case CROSS JOIN generate_series(0, 3) k`,
  );
  await db.query(
    `INSERT INTO esf_exit (case_id, office_id, "on", job_searching, in_education_or_training, gaining_qualification, in_employment)
     SELECT id, office_id, left_on + floor(random() * 28)::int, s = 0, s = 1, s = 1 AND random() < 0.5, s = 2
       FROM (SELECT *, floor(random() * 3)::int AS s FROM esf_case WHERE left_on IS NOT NULL) x
       CROSS JOIN LATERAL generate_series(1, CASE WHEN random() < 0.2 AND x.id IS NOT NULL THEN 2 ELSE 1 END)`,
  );
  await db.query(
    `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed)
     SELECT e.office_id, e.id, 1, e.left_on + 183, 'employed', random() < 0.7
       FROM esf_case e JOIN founder f ON f.id = e.founder_id
      WHERE e.left_on IS NOT NULL AND e.left_on < current_date - 183 AND f.follow_up_consent_on IS NOT NULL AND random() < 0.5`,
  );
  await db.query(`RESET session_replication_role`);
  const {
    rows: [{ n }],
  } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM esf_case`);
  await db.query(`DROP TABLE esf_case`);
  for (const table of [
    'founder',
    'founder_case',
    'esf_entry',
    'esf_voluntary',
    'esf_exit',
    'case_contact',
    'case_follow_up',
  ])
    await db.query(`VACUUM (ANALYZE) ${table}`);
  steps.push(['ESF participants', (performance.now() - t0) / 1000]);
  return n;
}
