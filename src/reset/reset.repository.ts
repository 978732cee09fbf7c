import { Inject, Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { NamedStatement } from '../database/pg-driver';
import { sql } from '../database/sql';
import { GENESIS_HASH } from '../history-chain/chain';
import { HistorySealer } from '../history-chain/history-sealer';
import { founderInTransferSql } from '../transfers/in-transfer';
import type { ResetHistoryPayload } from './dto/reset-analysis.dto';
import type { ResetState } from './lifecycle';
import type {
  AnalysisListRow,
  AnalysisRow,
  ResetHistoryRow,
  StoredBusiness,
  StoredMember,
} from './reset.row';

export interface AnalysisListFilter {
  state?: string;
  founderId?: string;
  finalDeclarationDueBefore?: string;
  after: [string, string] | null;
  limit: number;
}

export interface HouseholdColumns {
  members: StoredMember[];
  extraNeedsMonthlyCents: number;
  housingCostsMonthlyCents: number;
  otherIncomeMonthlyCents: number;
}

/** A history row to append; its seq and chain link are read from the stored head (insertHistory). */
export interface ResetHistoryInsert {
  analysisId: string;
  actorType: string;
  actorId: string;
  event: string;
  fromState: string;
  toState: string;
  payload: ResetHistoryPayload;
  machineVersion: number;
  texts: Record<string, string> | null;
}

const ANALYSIS_LOCK_SQL = `SELECT * FROM reset_analysis WHERE id = $1 AND office_id = ANY($2::uuid[]) FOR UPDATE`;

/**
 * SQL of RE_SET analyses and their history (periods: reset-periods.repository.ts). Every method
 * takes an OfficeTx: it runs in the caller's office-scoped transaction and filters by its office
 * ids (history through its analysis), so forgetting the office scope is a compile error rather
 * than a data leak (and row-level security would still refuse the rows).
 */
@Injectable()
export class ResetRepository {
  constructor(@Inject(HistorySealer) private readonly sealer: HistorySealer) {}

  async findById(tx: OfficeTx, id: string): Promise<AnalysisRow | null> {
    const rows: AnalysisRow[] = await tx.manager.query(
      `SELECT * FROM reset_analysis WHERE id = $1 AND office_id = ANY($2::uuid[])`,
      [id, tx.officeIds],
    );
    return rows[0] ?? null;
  }

  /** The analysis row locked for a change: concurrent writes on one analysis queue here. */
  async lockForUpdate(tx: OfficeTx, id: string): Promise<AnalysisRow | null> {
    const rows: AnalysisRow[] = await tx.manager.query(ANALYSIS_LOCK_SQL, [id, tx.officeIds]);
    return rows[0] ?? null;
  }

  /** lockForUpdate as a statement for the BEGIN's round trip (OfficeDb.run's `first`). */
  lockStatements(id: string, officeIds: readonly string[]): NamedStatement[] {
    return [{ name: 'analysis_lock', text: ANALYSIS_LOCK_SQL, values: [id, officeIds] }];
  }

  lockedFrom([locked]: readonly unknown[][]): AnalysisRow | null {
    return (locked[0] as AnalysisRow | undefined) ?? null;
  }

  async insert(
    tx: OfficeTx,
    a: {
      officeId: string;
      founderId: string;
      createdBy: string;
      state: ResetState;
      machineVersion: number;
    },
    business: StoredBusiness,
    household: HouseholdColumns,
  ): Promise<string> {
    const [{ id }]: { id: string }[] = await tx.manager.query(
      `INSERT INTO reset_analysis (office_id, founder_id, created_by, state, snapshot, machine_version, business,
                                   household_members, extra_needs_monthly_cents, housing_costs_monthly_cents,
                                   other_income_monthly_cents)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        a.officeId,
        a.founderId,
        a.createdBy,
        a.state.value,
        JSON.stringify(a.state),
        a.machineVersion,
        JSON.stringify(business),
        JSON.stringify(household.members),
        household.extraNeedsMonthlyCents,
        household.housingCostsMonthlyCents,
        household.otherIncomeMonthlyCents,
      ],
    );
    return id;
  }

  /**
   * Replaces the given parts whole; undefined parts stay as they are. A change is a new version
   * of the analysis (its ETag changes, a client holding the old one gets 412); no part given is
   * no change, and no new version.
   */
  async updateData(
    tx: OfficeTx,
    id: string,
    d: { business?: StoredBusiness; household?: HouseholdColumns; assessment?: object | null },
  ): Promise<void> {
    await tx.manager.query(
      `UPDATE reset_analysis
          SET business = COALESCE($2::jsonb, business),
              household_members = COALESCE($3::jsonb, household_members),
              extra_needs_monthly_cents = COALESCE($4::integer, extra_needs_monthly_cents),
              housing_costs_monthly_cents = COALESCE($5::integer, housing_costs_monthly_cents),
              other_income_monthly_cents = COALESCE($6::integer, other_income_monthly_cents),
              assessment = CASE WHEN $7::boolean THEN $8::jsonb ELSE assessment END,
              version = version + CASE WHEN $9::boolean THEN 1 ELSE 0 END,
              updated_at = now()
        WHERE id = $1 AND office_id = ANY($10::uuid[])`,
      [
        id,
        d.business ? JSON.stringify(d.business) : null,
        d.household ? JSON.stringify(d.household.members) : null,
        d.household?.extraNeedsMonthlyCents ?? null,
        d.household?.housingCostsMonthlyCents ?? null,
        d.household?.otherIncomeMonthlyCents ?? null,
        d.assessment !== undefined,
        d.assessment ? JSON.stringify(d.assessment) : null,
        [d.business, d.household, d.assessment].some((part) => part !== undefined),
        tx.officeIds,
      ],
    );
  }

  list(tx: OfficeTx, f: AnalysisListFilter): Promise<AnalysisListRow[]> {
    // The earliest final-declaration date still open: of periods whose latest version is provisional.
    return tx.manager.query(
      `SELECT a.id, a.office_id, a.founder_id, a.state, a.version, a.case_id, a.created_at, a.updated_at,
              a.snapshot #>> '{context,recommendation,recommendation}' AS recommendation,
              to_json(a.updated_at) #>> '{}' AS updated_key,
              d.due AS next_final_declaration_due_on
         FROM reset_analysis a
         LEFT JOIN LATERAL (
           SELECT min(p.final_declaration_due_on) AS due
             FROM (SELECT DISTINCT ON (period_start) kind, final_declaration_due_on
                     FROM reset_period_version WHERE analysis_id = a.id
                    ORDER BY period_start, version DESC) p
            WHERE p.kind = 'provisional'
         ) d ON true
        WHERE a.office_id = ANY($1::uuid[])
          AND ($2::text IS NULL OR a.state = $2)
          AND ($3::uuid IS NULL OR a.founder_id = $3)
          AND ($4::date IS NULL OR d.due < $4)
          AND ($5::timestamptz IS NULL OR (a.updated_at, a.id) < ($5, $6::uuid))
        ORDER BY a.updated_at DESC, a.id DESC
        LIMIT $7`,
      [
        tx.officeIds,
        f.state ?? null,
        f.founderId ?? null,
        f.finalDeclarationDueBefore ?? null,
        f.after?.[0] ?? null,
        f.after?.[1] ?? null,
        f.limit + 1,
      ],
    );
  }

  /** The one write of a lifecycle step: new snapshot, version + 1 and the matching history row. */
  async writeTransition(
    tx: OfficeTx,
    a: { id: string; state: ResetState; version: number; assessment?: object; caseId?: string },
    history: ResetHistoryInsert,
  ): Promise<void> {
    const update = sql`UPDATE reset_analysis
          SET state = ${a.state.value}, snapshot = ${JSON.stringify(a.state)}, version = ${a.version}, updated_at = now(),
              assessment = CASE WHEN ${a.assessment !== undefined}::boolean THEN ${a.assessment ? JSON.stringify(a.assessment) : null}::jsonb ELSE assessment END,
              case_id = COALESCE(${a.caseId ?? null}::uuid, case_id)
        WHERE id = ${a.id}`;
    await tx.manager.query(update.text, update.values);
    await this.insertHistory(tx, history);
  }

  /**
   * Appends one history row sealed into the analysis's hash chain (the caller holds the row lock,
   * taken by an earlier statement, so this one sees every row committed before it). One read gives
   * what the row is sealed with: the chain head (the next seq follows the chain, not the version:
   * data and period changes bump the version without a row) and the office code.
   */
  private async insertHistory(tx: OfficeTx, history: ResetHistoryInsert): Promise<void> {
    const [head]: {
      office_id: string;
      office_code: string;
      head_seq: number | null;
      head_hash: string | null;
    }[] = await tx.manager.query(
      `SELECT a.office_id, o.code AS office_code, h.seq AS head_seq, h.hash AS head_hash
         FROM reset_analysis a
         JOIN office o ON o.id = a.office_id
         LEFT JOIN LATERAL (SELECT seq, hash FROM reset_history WHERE analysis_id = a.id ORDER BY seq DESC LIMIT 1) h ON true
        WHERE a.id = $1`,
      [history.analysisId],
    );
    const seq = (head.head_seq ?? 0) + 1;
    const prevHash = head.head_hash ?? GENESIS_HASH;
    const at = new Date(); // millisecond precision, as hashed
    const sealed = this.sealer.sealReset(prevHash, {
      ...history,
      seq,
      at,
      officeCode: head.office_code,
    });
    const row = sql`INSERT INTO reset_history (analysis_id, seq, at, actor_type, actor_id, event, from_state, to_state, payload,
                                  machine_version, analysis_ref, actor_ref, prev_hash, hash, text_digest, chain_format, office_code,
                                  chain_payload, office_id)
       VALUES (${history.analysisId}, ${seq}, ${at}, ${history.actorType}, ${history.actorId}, ${history.event}, ${history.fromState},
               ${history.toState}, ${JSON.stringify(history.payload)}, ${history.machineVersion}, ${sealed.analysisRef}, ${sealed.actorRef},
               ${prevHash}, ${sealed.hash}, ${sealed.textDigest}, ${sealed.format}, ${sealed.officeCode}, ${JSON.stringify(sealed.payload)},
               ${head.office_id})`;
    await tx.manager.query(row.text, row.values);
    if (history.texts) {
      const texts = sql`INSERT INTO reset_history_text (analysis_id, seq, texts, salt, office_id)
        VALUES (${history.analysisId}, ${seq}, ${JSON.stringify(history.texts)}, ${sealed.salt}, ${head.office_id})`;
      await tx.manager.query(texts.text, texts.values);
    }
  }

  history(tx: OfficeTx, analysisId: string): Promise<ResetHistoryRow[]> {
    return tx.manager.query(
      `SELECT h.*, t.texts, t.salt FROM reset_history h
         LEFT JOIN reset_history_text t ON t.analysis_id = h.analysis_id AND t.seq = h.seq
        WHERE h.analysis_id = $1 AND h.office_id = ANY($2::uuid[]) ORDER BY h.seq`,
      [analysisId, tx.officeIds],
    );
  }

  /**
   * A new EKS period version is a new version of the analysis, so its ETag changes and a client
   * holding the old one gets 412 (a data change bumps it in updateData). Returns the new version.
   */
  async bumpVersion(tx: OfficeTx, id: string): Promise<number> {
    // A SELECT around the UPDATE: TypeORM answers a bare UPDATE with [rows, count].
    const [row]: { version: number }[] = await tx.manager.query(
      `WITH bumped AS (UPDATE reset_analysis SET version = version + 1, updated_at = now()
                        WHERE id = $1 AND office_id = ANY($2::uuid[]) RETURNING version)
       SELECT version FROM bumped`,
      [id, tx.officeIds],
    );
    return row.version;
  }

  /**
   * Read after the analysis lock, so an erasure that committed while this waited is seen. The
   * founder is in the analysis's office (an analysis is opened in its founder's office), so the
   * office filter keeps the row visible.
   */
  async founderErasure(
    tx: OfficeTx,
    founderId: string,
  ): Promise<{ founder_erased_at: Date | null; founder_in_transfer: boolean }> {
    const [row]: { founder_erased_at: Date | null; founder_in_transfer: boolean }[] =
      await tx.manager.query(
        `SELECT erased_at AS founder_erased_at, ${founderInTransferSql('founder.id')} AS founder_in_transfer
           FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[])`,
        [founderId, tx.officeIds],
      );
    return row ?? { founder_erased_at: null, founder_in_transfer: false };
  }

  async founderOffice(tx: OfficeTx, founderId: string): Promise<string | null> {
    const rows: { office_id: string }[] = await tx.manager.query(
      `SELECT office_id FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[]) AND erased_at IS NULL`,
      [founderId, tx.officeIds],
    );
    return rows[0]?.office_id ?? null;
  }

  /**
   * The founder's cases, most recently changed first. A restart reads them locked (FOR UPDATE),
   * so that it decides on a stable picture; availableEvents reads the same picture unlocked, to
   * say what a DECIDE would do. (The restart writes through CasesRepository; this only looks.)
   * A founder's cases are all in the founder's office, so the scope's offices find all of them.
   */
  founderCases(
    tx: OfficeTx,
    founderId: string,
    lock: 'for_update' | 'none',
  ): Promise<{ id: string; status: string; machine_version: number }[]> {
    return tx.manager.query(
      `SELECT id, status, machine_version FROM founder_case
        WHERE founder_id = $1 AND office_id = ANY($2::uuid[])
        ORDER BY updated_at DESC, created_at DESC, id DESC
          ${lock === 'for_update' ? 'FOR UPDATE' : ''}`,
      [founderId, tx.officeIds],
    );
  }
}
