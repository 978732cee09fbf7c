import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { FollowUpSituation } from './dto/follow-up.dto';

/** @table case_follow_up */
export interface FollowUpRow {
  id: string;
  office_id: string;
  case_id: string;
  history_seq: number;
  on: string;
  situation: FollowUpSituation;
  still_self_employed: boolean;
  note: string | null;
  created_by: string | null;
  created_at: Date;
}

export type FollowUpInsert = Pick<
  FollowUpRow,
  | 'office_id'
  | 'case_id'
  | 'history_seq'
  | 'on'
  | 'situation'
  | 'still_self_employed'
  | 'note'
  | 'created_by'
>;

/** The SQL of follow-ups; every query runs in the caller's office-scoped transaction. */
@Injectable()
export class FollowUpsRepository {
  /** The office comes from the locked case; row-level security checks it against the scope. */
  async insert(tx: OfficeTx, f: FollowUpInsert): Promise<FollowUpRow> {
    const [row]: FollowUpRow[] = await tx.manager.query(
      `INSERT INTO case_follow_up (office_id, case_id, history_seq, "on", situation, still_self_employed, note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        f.office_id,
        f.case_id,
        f.history_seq,
        f.on,
        f.situation,
        f.still_self_employed,
        f.note,
        f.created_by,
      ],
    );
    return row;
  }

  listForCase(tx: OfficeTx, caseId: string): Promise<FollowUpRow[]> {
    return tx.manager.query(
      `SELECT * FROM case_follow_up WHERE case_id = $1 AND office_id = ANY($2::uuid[])
        ORDER BY "on" DESC, history_seq DESC`,
      [caseId, tx.officeIds],
    );
  }

  /** The day the founder agreed to follow-ups (null: not agreed). */
  async followUpConsentOn(tx: OfficeTx, founderId: string): Promise<string | null> {
    const rows: { follow_up_consent_on: string | null }[] = await tx.manager.query(
      `SELECT follow_up_consent_on FROM founder WHERE id = $1 AND office_id = ANY($2::uuid[])`,
      [founderId, tx.officeIds],
    );
    return rows[0]?.follow_up_consent_on ?? null;
  }
}
