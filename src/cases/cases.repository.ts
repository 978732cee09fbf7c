import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { todayInBerlin } from '../common/time/calendar-date';
import type { OfficeTx } from '../database/office-transaction';
import type { GroupFilter } from '../group-filters/group-filter';
import {
  caseConditions,
  createdConditions,
  founderMatches,
  SqlParams,
} from '../group-filters/group-filter.sql';
import type { NamedStatement } from '../database/pg-driver';
import { prepared } from '../database/prepared';
import { param, type Sql, sql } from '../database/sql';
import { GENESIS_HASH } from '../history-chain/chain';
import { HistorySealer } from '../history-chain/history-sealer';
import { founderInTransferSql } from '../transfers/in-transfer';
import type { ActorType } from '../openapi/shared-schemas';
import type { CaseStatus, PersistedCaseState, Phase } from '../phase-model';
import { CASE_DATA_COLUMNS, CaseDataField, CaseGateRow, CaseRow, JSON_COLUMNS } from './case.row';
import type { ContactFormat, ContactKind } from './dto/case.dto';
import type { CaseHistoryEvent, CaseHistoryPayload } from './dto/case-response.dto';

const GATE_SELECT = `
  SELECT c.*, f.consent_given_on, f.self_employment_permitted, f.german_level, f.benefit_status,
         f.erased_at AS founder_erased_at, ${founderInTransferSql('c.founder_id')} AS founder_in_transfer,
         EXISTS (SELECT 1 FROM case_contact k WHERE k.case_id = c.id AND k.kind = 'first_counselling')
           AS has_first_counselling_contact
    FROM founder_case c JOIN founder f ON f.id = c.founder_id`;

const CASE_BY_ID_SQL = `${GATE_SELECT} WHERE c.id = $1 AND c.office_id = ANY($2::uuid[])`;
const CASE_LOCK = 'case_lock';
const LOCK_SQL = `SELECT id FROM founder_case WHERE id = $1 AND office_id = ANY($2::uuid[]) FOR UPDATE`;
const CASE_LOCKED_FACTS = 'case_locked_facts';
/** tx_now: the transaction's now(), which the write's updated_at (and phase_entered_at) will hold. */
const LOCKED_FACTS_SQL = `${GATE_SELECT.replace(
  'SELECT c.*,',
  `SELECT c.*, now() AS tx_now,
         head.hash AS head_hash, COALESCE(head.seq, 0)::integer AS head_seq, o.code AS office_code,`,
)}
         JOIN office o ON o.id = c.office_id
         LEFT JOIN LATERAL (
           SELECT h.hash, h.seq FROM case_history h WHERE h.case_id = c.id ORDER BY h.seq DESC LIMIT 1
         ) head ON true
        WHERE c.id = $1`;

export interface CaseListFilter {
  /** The group filters (src/group-filters); null or absent: none. */
  group?: GroupFilter | null;
  founderId?: string;
  updatedSince?: string;
  after: [string, string] | null;
  limit: number;
}

/** The new state of a case in a phase change (writeTransition). */
export interface TransitionWrite {
  id: string;
  phase: string;
  status: string;
  state: PersistedCaseState;
  version: number;
  phaseChanged: boolean;
  outcome?: string | null;
  followUpOn?: string | null;
  /** The day a case that closes now exits on (default: today in Berlin), one value for row and answer. */
  exitDay?: string;
}

export interface HistoryInsert {
  caseId: string;
  seq: number;
  actorType: string;
  actorId: string;
  event: string;
  fromPhase: string | null;
  toPhase: string;
  fromStatus: string | null;
  toStatus: string;
  payload: Record<string, unknown>;
  machineVersion: number;
  texts: Record<string, string> | null;
  /** Whole days the case spent in the phase this row leaves (null when the phase does not change). */
  daysInPhase?: number | null;
  /** The chain head the caller read with the row lock (null: no row yet). */
  prevHash: string | null;
  /** The case's office code, read with the row lock (hashed from chain format 2 on). */
  officeCode: string;
}

/**
 * The locked case with what its next history row is sealed with: the chain head (its hash, null
 * when there is no row yet, and its seq, 0 then: the next row is head_seq + 1) and the office code.
 */
export type LockedCase = CaseGateRow & {
  tx_now: Date;
  head_hash: string | null;
  head_seq: number;
  office_code: string;
};

/**
 * All SQL of cases. Every method takes an OfficeTx: it runs in the caller's office-scoped
 * transaction and filters by its office ids, so forgetting the office scope is a compile error
 * rather than a data leak (and row-level security would still refuse the rows).
 */
@Injectable()
export class CasesRepository {
  constructor(@Inject(HistorySealer) private readonly sealer: HistorySealer) {}

  async findById(tx: OfficeTx, id: string): Promise<CaseGateRow | null> {
    const { name, text, values } = this.byIdStatement(id, tx.officeIds);
    const rows = await prepared<CaseGateRow>(tx.manager, name, text, values);
    return rows[0] ?? null;
  }

  /** findById as a named statement, for a read in one round trip (OfficeDb.read). */
  byIdStatement(id: string, officeIds: readonly string[]): NamedStatement {
    return { name: 'case_by_id', text: CASE_BY_ID_SQL, values: [id, officeIds] };
  }

  /**
   * The case row locked for a state change, then its gate facts and the head of its hash chain.
   * Two statements on purpose: a SELECT … FOR UPDATE that waited for another transaction re-reads
   * only the locked row; its subqueries (chain head, contacts) would still show the state from
   * before the wait, and the new history row would link to a stale head. In READ COMMITTED the
   * second statement sees everything committed before the lock was granted.
   */
  async lockForUpdate(tx: OfficeTx, id: string): Promise<LockedCase | null> {
    const locked = await prepared<{ id: string }>(tx.manager, CASE_LOCK, LOCK_SQL, [
      id,
      tx.officeIds,
    ]);
    if (locked.length === 0) return null;
    const rows = await prepared<LockedCase>(tx.manager, CASE_LOCKED_FACTS, LOCKED_FACTS_SQL, [id]);
    return rows[0];
  }

  /**
   * lockForUpdate as two statements for the BEGIN's round trip (OfficeDb.run's `first`): still
   * two statements, for the reason above, but no round trip of their own. lockedFrom reads the
   * case from their rows.
   */
  lockStatements(id: string, officeIds: readonly string[]): NamedStatement[] {
    return [
      { name: CASE_LOCK, text: LOCK_SQL, values: [id, officeIds] },
      { name: CASE_LOCKED_FACTS, text: LOCKED_FACTS_SQL, values: [id] },
    ];
  }

  lockedFrom([locked, facts]: readonly unknown[][]): LockedCase | null {
    return locked.length === 0 ? null : (facts[0] as LockedCase);
  }

  /** Rows carry their sort key at microsecond precision (cursor_at): a JS Date would cut it to ms. */
  list(tx: OfficeTx, f: CaseListFilter): Promise<(CaseRow & { cursor_at: string })[]> {
    const p = new SqlParams([tx.officeIds, f.limit + 1]);
    const where: string[] = [];
    if (f.group) {
      where.push(...caseConditions(f.group.case, 'c', p));
      const founder = founderMatches(f.group, 'c', '$1::uuid[]', p);
      if (founder) where.push(founder);
      where.push(...createdConditions(f.group.created, 'c.created_at', p));
    }
    if (f.founderId) where.push(`c.founder_id = ${p.add(f.founderId, 'uuid')}`);
    if (f.updatedSince) where.push(`c.updated_at >= ${p.add(f.updatedSince, 'timestamptz')}`);
    if (f.after)
      where.push(
        `(c.updated_at, c.id) < (${p.add(f.after[0], 'timestamptz')}, ${p.add(f.after[1], 'uuid')})`,
      );
    return tx.manager.query(
      // One index walk per office, merged: with office_id = ANY(…) the planner cannot read the
      // (office_id, phase, updated_at, id) index in order and sorts the whole office instead.
      `SELECT c.*, to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM unnest($1::uuid[]) AS o(id)
         CROSS JOIN LATERAL (
           SELECT * FROM founder_case c
            WHERE c.office_id = o.id${where.map((w) => `\n              AND ${w}`).join('')}
            ORDER BY c.updated_at DESC, c.id DESC
            LIMIT $2) c
        ORDER BY c.updated_at DESC, c.id DESC
        LIMIT $2`,
      p.values,
    );
  }

  async insert(
    tx: OfficeTx,
    c: {
      officeId: string;
      founderId: string;
      createdBy: string;
      phase: string;
      status: string;
      machineVersion: number;
      state: PersistedCaseState;
      coaching?: boolean;
    },
    data: Partial<Record<CaseDataField, unknown>>,
  ): Promise<string> {
    const [{ id }]: { id: string }[] = await tx.manager.query(
      `INSERT INTO founder_case (office_id, founder_id, created_by, phase, status, machine_version, state, coaching)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [
        c.officeId,
        c.founderId,
        c.createdBy,
        c.phase,
        c.status,
        c.machineVersion,
        JSON.stringify(c.state),
        c.coaching ?? false,
      ],
    );
    await this.updateData(tx, id, data);
    return id;
  }

  /**
   * Sets the given case data fields (null clears); the column names come from a fixed map. With
   * `newVersion`, a change (at least one field given) is a new version of the case in the same
   * statement; nothing given changes nothing, the version neither.
   */
  async updateData(
    tx: OfficeTx,
    id: string,
    data: Partial<Record<CaseDataField, unknown>>,
    { newVersion = false } = {},
  ): Promise<void> {
    const fields = (Object.keys(data) as CaseDataField[]).filter((k) => data[k] !== undefined);
    if (fields.length === 0) return;
    const sets = fields.map((k, i) => {
      const column = CASE_DATA_COLUMNS[k];
      return `${column} = $${i + 2}${JSON_COLUMNS.has(column) ? '::jsonb' : ''}`;
    });
    const values = fields.map((k) => {
      const v = data[k];
      return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
    });
    if (newVersion) sets.push('version = version + 1');
    await tx.manager
      .query(
        `UPDATE founder_case SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 AND office_id = ANY($${values.length + 2}::uuid[])`,
        [id, ...values, tx.officeIds],
      )
      .catch(refuseInvalidFundingPeriod);
  }

  /**
   * The one write of a phase change, as one statement: new state and version + 1, the matching
   * history row sealed into the chain, and its free texts. Returns the updated case row.
   */
  async writeTransition(tx: OfficeTx, c: TransitionWrite, h: HistoryInsert): Promise<CaseRow> {
    const { name, text, values } = this.transitionStatement(c, h);
    const [row] = await prepared<CaseRow>(tx.manager, name, text, values);
    return row;
  }

  /**
   * writeTransition's statement, to be sent later (with the COMMIT, as EXECUTE): the history row
   * is sealed now, with the time it will carry.
   */
  transitionStatement(c: TransitionWrite, h: HistoryInsert): NamedStatement {
    return { name: 'case_transition', ...this.transitionSql(c, h) };
  }

  private transitionSql(c: TransitionWrite, h: HistoryInsert): Sql<CaseRow> {
    const prevHash = h.prevHash ?? GENESIS_HASH;
    // Millisecond precision so that the stored time and the hashed ISO time are the same instant.
    const at = new Date();
    const sealed = this.sealer.sealCase(prevHash, { ...h, at });
    const [id, seq, texts] = [
      param(c.id),
      param(h.seq),
      param(h.texts ? JSON.stringify(h.texts) : null),
    ];
    return sql<CaseRow>`WITH updated AS (
         UPDATE founder_case
            SET phase = ${c.phase}, status = ${c.status}, state = ${JSON.stringify(c.state)}, version = ${c.version}, updated_at = now(),
                phase_entered_at = CASE WHEN ${c.phaseChanged}::boolean THEN now() ELSE phase_entered_at END,
                outcome = CASE WHEN ${c.outcome !== undefined}::boolean THEN ${c.outcome ?? null} ELSE outcome END,
                follow_up_on = COALESCE(${c.followUpOn ?? null}::date, follow_up_on),
                -- The exit day: set when the case closes (COMPLETE, DROP_OUT), kept while it stays closed,
                -- cleared when it becomes active or paused again (REOPEN, RESTART).
                exited_on = CASE WHEN ${c.status}::text <> 'closed' THEN NULL
                                 WHEN status = ${c.status}::text THEN exited_on
                                 ELSE ${c.exitDay ?? todayInBerlin()}::date END
          WHERE id = ${id}
          RETURNING *),
       history AS (
         INSERT INTO case_history (case_id, seq, at, actor_type, actor_id, event, from_phase, to_phase, from_status, to_status,
                                   payload, machine_version, days_in_phase, case_ref, actor_ref, prev_hash, hash, text_digest,
                                   chain_format, office_code, reset_analysis_ref, office_id)
         SELECT ${id}, ${seq}, ${at}, ${h.actorType}, ${h.actorId}, ${h.event}, ${h.fromPhase}, ${h.toPhase}, ${h.fromStatus}, ${h.toStatus},
                ${JSON.stringify(h.payload)}, ${h.machineVersion}, ${h.daysInPhase ?? null}, ${sealed.caseRef}, ${sealed.actorRef}, ${prevHash},
                ${sealed.hash}, ${sealed.textDigest}, ${sealed.format}, ${sealed.officeCode}, ${sealed.resetAnalysisRef}, u.office_id
           FROM updated u),
       texts AS (
         INSERT INTO case_history_text (case_id, seq, texts, salt, office_id)
         SELECT ${id}, ${seq}, ${texts}::jsonb, ${sealed.salt}, u.office_id FROM updated u WHERE ${texts}::jsonb IS NOT NULL)
       SELECT * FROM updated`;
  }

  /**
   * A change outside the phase model (case data, a contact) is a new version of the case too, so
   * that its ETag changes and a client holding the old one gets 412. Returns the new version.
   */
  async bumpVersion(tx: OfficeTx, id: string): Promise<number> {
    // A SELECT around the UPDATE: TypeORM answers a bare UPDATE with [rows, count].
    const [row]: { version: number }[] = await tx.manager.query(
      `WITH bumped AS (UPDATE founder_case SET version = version + 1, updated_at = now()
                        WHERE id = $1 AND office_id = ANY($2::uuid[]) RETURNING version)
       SELECT version FROM bumped`,
      [id, tx.officeIds],
    );
    return row.version;
  }

  /** Links a case to the RE_SET analysis that restarted it; a restart always comes with coaching. */
  async linkResetAnalysis(tx: OfficeTx, caseId: string, analysisId: string): Promise<void> {
    await tx.manager.query(
      `UPDATE founder_case SET reset_analysis_id = $2, coaching = true WHERE id = $1 AND office_id = ANY($3::uuid[])`,
      [caseId, analysisId, tx.officeIds],
    );
  }

  history(tx: OfficeTx, caseId: string): Promise<HistoryRow[]> {
    return tx.manager.query(
      `SELECT h.*, t.texts, t.salt FROM case_history h
         LEFT JOIN case_history_text t ON t.case_id = h.case_id AND t.seq = h.seq
        WHERE h.case_id = $1 AND h.office_id = ANY($2::uuid[]) ORDER BY h.seq`,
      [caseId, tx.officeIds],
    );
  }

  /** A user who may be assigned as the case's advisor: an advisor or lead of that office. */
  async isAssignableAdvisor(tx: OfficeTx, userId: string, officeId: string): Promise<boolean> {
    const rows = await tx.manager.query<unknown[]>(
      `SELECT 1 FROM membership m JOIN app_user u ON u.id = m.user_id
        WHERE m.user_id = $1 AND m.office_id = $2 AND m.role IN ('advisor', 'lead') AND u.is_active`,
      [userId, officeId],
    );
    return rows.length > 0;
  }

  async founderOffice(tx: OfficeTx, founderId: string): Promise<string | null> {
    const rows: { office_id: string }[] = await tx.manager.query(
      `SELECT office_id FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[]) AND erased_at IS NULL`,
      [founderId, tx.officeIds],
    );
    return rows[0]?.office_id ?? null;
  }

  async insertContact(
    tx: OfficeTx,
    caseId: string,
    officeId: string,
    createdBy: string,
    c: ContactInsert,
  ): Promise<ContactRow> {
    const [row]: ContactRow[] = await tx.manager.query(
      `INSERT INTO case_contact (case_id, office_id, created_by, "on", minutes, format, kind, topics, language, interpreter, notes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        caseId,
        officeId,
        createdBy,
        c.on,
        c.minutes,
        c.format,
        c.kind,
        c.topics ?? [],
        c.language ?? null,
        c.interpreter ?? false,
        c.notes ?? null,
      ],
    );
    return row; // the caller bumps the case's version (and updated_at)
  }

  contacts(tx: OfficeTx, caseId: string): Promise<ContactRow[]> {
    return tx.manager.query(
      `SELECT * FROM case_contact WHERE case_id = $1 AND office_id = ANY($2::uuid[]) ORDER BY "on" DESC, created_at DESC`,
      [caseId, tx.officeIds],
    );
  }
}

/**
 * The funding period may be set one side at a time, so only the stored row knows whether the
 * end falls before the start: the check constraint decides, and its refusal is the client's 400
 * (the transaction is rolled back, nothing is written).
 */
function refuseInvalidFundingPeriod(error: unknown): never {
  const e = error as { code?: string; constraint?: string };
  if (e.code === '23514' && e.constraint === 'founder_case_funding_period') {
    throw new AppError('validation_failed', 'fundingEndsOn must not be before fundingStartsOn.', {
      errors: [{ field: 'fundingEndsOn', message: 'must not be before fundingStartsOn' }],
    });
  }
  throw error;
}

/**
 * A case_history row. The event, phase, status and payload columns hold what this service writes
 * (writeTransition), narrower than the chain reads them (StoredCaseHistoryRow).
 * @table case_history
 */
export interface CaseHistoryTableRow {
  id: string;
  case_id: string;
  seq: number;
  at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  event: CaseHistoryEvent;
  from_phase: Phase | null;
  to_phase: Phase;
  from_status: CaseStatus | null;
  to_status: CaseStatus;
  payload: CaseHistoryPayload;
  machine_version: number;
  case_ref: string;
  actor_ref: string | null;
  days_in_phase: number | null;
  prev_hash: string;
  hash: string;
  text_digest: string | null;
  chain_format: number;
  office_code: string | null;
  /** The pseudonym of the RE_SET analysis a RESTART carries. */
  reset_analysis_ref: string | null;
  /** The case's office, for row-level security (not hashed). */
  office_id: string;
  /** The office that held the case when the row was written; never changes (src/transfers). */
  written_office_id: string;
}

/**
 * The free texts of a history row, apart from it so that an erasure can drop them.
 * @table case_history_text
 */
export interface CaseHistoryTextRow {
  case_id: string;
  seq: number;
  texts: Record<string, string>;
  salt: string | null;
  office_id: string;
}

/** A history row with its texts (null when it had none or they were erased), as the chain reads it. */
export interface HistoryRow extends CaseHistoryTableRow {
  texts: CaseHistoryTextRow['texts'] | null;
  salt: CaseHistoryTextRow['salt'];
}

export interface ContactInsert {
  on: string;
  minutes: number;
  format: ContactFormat;
  kind: ContactKind;
  topics?: string[];
  language?: string;
  interpreter?: boolean;
  notes?: string;
}

/** @table case_contact */
export interface ContactRow {
  id: string;
  case_id: string;
  office_id: string;
  on: string;
  minutes: number;
  format: ContactFormat;
  kind: ContactKind;
  topics: string[];
  language: string | null;
  interpreter: boolean;
  notes: string | null;
  created_by: string | null;
  created_at: Date;
}
