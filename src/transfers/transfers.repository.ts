import { Inject, Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import { GENESIS_HASH } from '../history-chain/chain';
import { HistorySealer } from '../history-chain/history-sealer';
import type { CaseStatus, Phase } from '../phase-model';
import type { TransferDirection, TransferState } from './dto/transfer.dto';
import { TRANSFER_EVENT } from './transfer-event';

/** @table case_transfer */
export interface TransferRow {
  id: string;
  case_id: string;
  founder_id: string;
  from_office_id: string;
  to_office_id: string;
  reason: string;
  case_phase: Phase;
  case_status: CaseStatus;
  state: TransferState;
  requested_by: string | null;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
}

export type TransferListRow = TransferRow & { cursor_at: string };

/** A case of the founder being moved, locked, with what its TRANSFER row is sealed with. */
interface MovingCase {
  id: string;
  phase: Phase;
  status: CaseStatus;
  machine_version: number;
  head_hash: string | null;
  head_seq: number;
}

/** Rows an office sees: those it sends or receives (row-level security asks the same). */
const VISIBLE = `(from_office_id = ANY($2::uuid[]) OR to_office_id = ANY($2::uuid[]))`;

/**
 * All SQL of hand-overs. The moves run in a transaction scoped to both offices (the service checks
 * the receiving lead first), so that the rows can leave one office's scope for the other's.
 */
@Injectable()
export class TransfersRepository {
  constructor(@Inject(HistorySealer) private readonly sealer: HistorySealer) {}

  async find(tx: OfficeTx, id: string, { lock = false } = {}): Promise<TransferRow | null> {
    const rows: TransferRow[] = await tx.manager.query(
      `SELECT * FROM case_transfer WHERE id = $1 AND ${VISIBLE}${lock ? ' FOR UPDATE' : ''}`,
      [id, tx.officeIds],
    );
    return rows[0] ?? null;
  }

  /**
   * Newest request first. `outgoing`/`incoming` name the offices of the given scopes; without a
   * direction both. Rows carry their sort key at microsecond precision (cursor_at).
   */
  list(
    tx: OfficeTx,
    f: {
      outgoingFrom: readonly string[];
      incomingTo: readonly string[];
      direction?: TransferDirection;
      state?: TransferState;
      after: [string, string] | null;
      limit: number;
    },
  ): Promise<TransferListRow[]> {
    const from = f.direction === 'incoming' ? [] : f.outgoingFrom;
    const to = f.direction === 'outgoing' ? [] : f.incomingTo;
    return tx.manager.query(
      `SELECT *, to_char(requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM case_transfer
        WHERE (from_office_id = ANY($1::uuid[]) OR to_office_id = ANY($2::uuid[]))
          AND ($3::text IS NULL OR state = $3)
          AND ($4::timestamptz IS NULL OR (requested_at, id) < ($4, $5::uuid))
        ORDER BY requested_at DESC, id DESC
        LIMIT $6`,
      [from, to, f.state ?? null, f.after?.[0] ?? null, f.after?.[1] ?? null, f.limit + 1],
    );
  }

  /** Locks the founder row: founder changes and erasure wait for the request, and it for them. */
  async lockFounder(tx: OfficeTx, founderId: string): Promise<void> {
    await tx.manager.query(
      `SELECT 1 FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[]) FOR UPDATE`,
      [founderId, tx.officeIds],
    );
  }

  async insert(
    tx: OfficeTx,
    t: {
      caseId: string;
      founderId: string;
      fromOfficeId: string;
      toOfficeId: string;
      reason: string;
      casePhase: string;
      caseStatus: string;
      requestedBy: string | null;
    },
  ): Promise<TransferRow> {
    const [row]: TransferRow[] = await tx.manager.query(
      `INSERT INTO case_transfer (case_id, founder_id, from_office_id, to_office_id, reason, case_phase, case_status, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        t.caseId,
        t.founderId,
        t.fromOfficeId,
        t.toOfficeId,
        t.reason,
        t.casePhase,
        t.caseStatus,
        t.requestedBy,
      ],
    );
    return row;
  }

  async decide(
    tx: OfficeTx,
    id: string,
    d: { state: 'accepted' | 'declined'; by: string | null; reason: string | null },
  ): Promise<TransferRow> {
    const [row]: TransferRow[] = await tx.manager.query(
      `WITH decided AS (
         UPDATE case_transfer SET state = $3, decided_by = $4, decided_at = now(), decision_reason = $5
          WHERE id = $1 AND ${VISIBLE} RETURNING *)
       SELECT * FROM decided`,
      [id, tx.officeIds, d.state, d.by, d.reason],
    );
    return row;
  }

  /** Whether an office with this id exists (office is no office data: not under row-level security). */
  async officeCode(tx: OfficeTx, officeId: string): Promise<string | null> {
    const rows: { code: string }[] = await tx.manager.query(
      `SELECT code FROM office WHERE id = $1`,
      [officeId],
    );
    return rows[0]?.code ?? null;
  }

  /**
   * Moves the founder and everything of theirs from one office to the other, in one statement: the
   * founder, ALL of their cases (a new version each) with contacts, tasks, follow-ups, histories and
   * texts, and their RE_SET analyses with histories, texts and EKS period versions and lines.
   * written_office_id stays: the rows keep counting for the office that wrote them. The case's
   * advisor and the tasks' assignees are the sending office's staff: the receiving office assigns.
   */
  async move(
    tx: OfficeTx,
    founderId: string,
    fromOfficeId: string,
    toOfficeId: string,
  ): Promise<Record<string, number>> {
    const [counts]: Record<string, number>[] = await tx.manager.query(
      `WITH founder_moved AS (
         UPDATE founder SET office_id = $3, updated_at = now() WHERE id = $1 AND office_id = $2 RETURNING id),
       cases AS (
         UPDATE founder_case SET office_id = $3, advisor_id = NULL, version = version + 1, updated_at = now()
          WHERE founder_id = $1 AND office_id = $2 RETURNING id),
       analyses AS (
         UPDATE reset_analysis SET office_id = $3 WHERE founder_id = $1 AND office_id = $2 RETURNING id),
       contacts AS (
         UPDATE case_contact SET office_id = $3 WHERE case_id IN (SELECT id FROM cases) RETURNING 1),
       tasks AS (
         UPDATE case_task SET office_id = $3, assignee_id = NULL WHERE case_id IN (SELECT id FROM cases) RETURNING 1),
       follow_ups AS (
         UPDATE case_follow_up SET office_id = $3 WHERE case_id IN (SELECT id FROM cases) RETURNING 1),
       history AS (
         UPDATE case_history SET office_id = $3 WHERE case_id IN (SELECT id FROM cases) RETURNING 1),
       history_texts AS (
         UPDATE case_history_text SET office_id = $3 WHERE case_id IN (SELECT id FROM cases) RETURNING 1),
       reset_histories AS (
         UPDATE reset_history SET office_id = $3 WHERE analysis_id IN (SELECT id FROM analyses) RETURNING 1),
       reset_texts AS (
         UPDATE reset_history_text SET office_id = $3 WHERE analysis_id IN (SELECT id FROM analyses) RETURNING 1),
       period_versions AS (
         UPDATE reset_period_version SET office_id = $3 WHERE analysis_id IN (SELECT id FROM analyses) RETURNING id),
       period_lines AS (
         UPDATE reset_period_line SET office_id = $3
          WHERE period_version_id IN (SELECT id FROM period_versions) RETURNING 1),
       -- ESF Plus records (src/esf) go with their case; run though not counted (WITH writes always run).
       esf_entries AS (
         UPDATE esf_entry SET office_id = $3 WHERE case_id IN (SELECT id FROM cases) RETURNING 1),
       esf_voluntaries AS (
         UPDATE esf_voluntary SET office_id = $3 WHERE case_id IN (SELECT id FROM cases) RETURNING 1),
       esf_exits AS (
         UPDATE esf_exit SET office_id = $3 WHERE case_id IN (SELECT id FROM cases) RETURNING 1)
       SELECT (SELECT count(*) FROM founder_moved)::int AS founders,
              (SELECT count(*) FROM cases)::int AS cases,
              (SELECT count(*) FROM contacts)::int AS contacts,
              (SELECT count(*) FROM tasks)::int AS tasks,
              (SELECT count(*) FROM follow_ups)::int AS "followUps",
              (SELECT count(*) FROM history)::int AS history,
              (SELECT count(*) FROM history_texts)::int AS "historyTexts",
              (SELECT count(*) FROM analyses)::int AS analyses,
              (SELECT count(*) FROM reset_histories)::int AS "resetHistory",
              (SELECT count(*) FROM reset_texts)::int AS "resetTexts",
              (SELECT count(*) FROM period_versions)::int AS "periodVersions",
              (SELECT count(*) FROM period_lines)::int AS "periodLines"`,
      [founderId, fromOfficeId, toOfficeId],
    );
    return counts;
  }

  /** The founder's cases locked (in id order, as every mover locks them), then their chain heads. */
  async lockCases(tx: OfficeTx, founderId: string): Promise<MovingCase[]> {
    await tx.manager.query(
      `SELECT id FROM founder_case WHERE founder_id = $1 AND office_id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [founderId, tx.officeIds],
    );
    // A second statement, as in CasesRepository.lockForUpdate: it sees what committed before the locks.
    return tx.manager.query(
      `SELECT c.id, c.phase, c.status, c.machine_version, head.hash AS head_hash, COALESCE(head.seq, 0)::integer AS head_seq
         FROM founder_case c
         LEFT JOIN LATERAL (
           SELECT h.hash, h.seq FROM case_history h WHERE h.case_id = c.id ORDER BY h.seq DESC LIMIT 1
         ) head ON true
        WHERE c.founder_id = $1 AND c.office_id = ANY($2::uuid[])
        ORDER BY c.id`,
      [founderId, tx.officeIds],
    );
  }

  /**
   * The TRANSFER row of a moved case, sealed into its chain: phase and status unchanged, the
   * reason as its free text (only its digest is hashed), and written by the sending office (its
   * code in the chain, its written_office_id) as the last row it held. The case is already the
   * receiving office's (office_id).
   */
  async appendTransferRow(
    tx: OfficeTx,
    c: MovingCase,
    t: {
      fromOfficeId: string;
      fromOfficeCode: string;
      toOfficeId: string;
      reason: string;
      actorType: string;
      actorId: string;
    },
  ): Promise<void> {
    const prevHash = c.head_hash ?? GENESIS_HASH;
    const seq = c.head_seq + 1;
    const texts = { reason: t.reason };
    // Millisecond precision: the stored and the hashed instant are the same.
    const at = new Date();
    const sealed = this.sealer.sealCase(prevHash, {
      caseId: c.id,
      seq,
      at,
      actorType: t.actorType,
      actorId: t.actorId,
      event: TRANSFER_EVENT,
      fromPhase: c.phase,
      toPhase: c.phase,
      fromStatus: c.status,
      toStatus: c.status,
      daysInPhase: null,
      payload: {},
      machineVersion: c.machine_version,
      texts,
      officeCode: t.fromOfficeCode,
    });
    await tx.manager.query(
      `WITH history AS (
         INSERT INTO case_history (case_id, seq, at, actor_type, actor_id, event, from_phase, to_phase, from_status, to_status,
                                   payload, machine_version, days_in_phase, case_ref, actor_ref, prev_hash, hash, text_digest,
                                   chain_format, office_code, reset_analysis_ref, office_id, written_office_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $8, '{}', $9, NULL, $10, $11, $12, $13, $14, $15, $16, NULL, $17, $18)
         RETURNING 1)
       INSERT INTO case_history_text (case_id, seq, texts, salt, office_id) VALUES ($1, $2, $19, $20, $17)`,
      [
        c.id,
        seq,
        at,
        t.actorType,
        t.actorId,
        TRANSFER_EVENT,
        c.phase,
        c.status,
        c.machine_version,
        sealed.caseRef,
        sealed.actorRef,
        prevHash,
        sealed.hash,
        sealed.textDigest,
        sealed.format,
        sealed.officeCode,
        t.toOfficeId,
        t.fromOfficeId,
        JSON.stringify(texts),
        sealed.salt,
      ],
    );
  }
}
