import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../../database/office-transaction';

/** @table case_task */
export interface ManualTaskRow {
  id: string;
  office_id: string;
  case_id: string;
  title: string | null;
  due_on: string;
  assignee_id: string | null;
  done_at: Date | null;
  done_by: string | null;
  version: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A change of a task: absent fields stay; done true/false sets or clears done_at and done_by. */
export interface ManualTaskChange {
  title?: string;
  dueOn?: string;
  assigneeId?: string | null;
  done?: boolean;
}

/** The SQL of manual tasks; every query runs in the caller's office-scoped transaction. */
@Injectable()
export class ManualTasksRepository {
  /** The office comes from the case; row-level security checks it against the scope. */
  async insert(
    tx: OfficeTx,
    t: {
      officeId: string;
      caseId: string;
      title: string;
      dueOn: string;
      assigneeId: string | null;
      createdBy: string | null;
    },
  ): Promise<ManualTaskRow> {
    const [row]: ManualTaskRow[] = await tx.manager.query(
      `INSERT INTO case_task (office_id, case_id, title, due_on, assignee_id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [t.officeId, t.caseId, t.title, t.dueOn, t.assigneeId, t.createdBy],
    );
    return row;
  }

  async lockForUpdate(tx: OfficeTx, id: string): Promise<ManualTaskRow | null> {
    const rows: ManualTaskRow[] = await tx.manager.query(
      `SELECT * FROM case_task WHERE id = $1 AND office_id = ANY($2::uuid[]) FOR UPDATE`,
      [id, tx.officeIds],
    );
    return rows[0] ?? null;
  }

  /** Applies the change as version + 1; the caller has checked that something changes. */
  async update(
    tx: OfficeTx,
    id: string,
    change: ManualTaskChange,
    actorId: string | null,
  ): Promise<ManualTaskRow> {
    const [row]: ManualTaskRow[] = await tx.manager.query(
      `WITH changed AS (
         UPDATE case_task SET
           title = CASE WHEN $3::boolean THEN $4 ELSE title END,
           due_on = CASE WHEN $5::boolean THEN $6::date ELSE due_on END,
           assignee_id = CASE WHEN $7::boolean THEN $8::uuid ELSE assignee_id END,
           -- Done again keeps the first completion; reopening clears it.
           done_at = CASE WHEN $9::boolean IS NULL THEN done_at
                          WHEN $9::boolean THEN COALESCE(done_at, now()) ELSE NULL END,
           done_by = CASE WHEN $9::boolean IS NULL THEN done_by
                          WHEN $9::boolean THEN CASE WHEN done_at IS NULL THEN $10::uuid ELSE done_by END
                          ELSE NULL END,
           version = version + 1, updated_at = now()
          WHERE id = $1 AND office_id = ANY($2::uuid[]) RETURNING *)
       SELECT * FROM changed`,
      [
        id,
        tx.officeIds,
        change.title !== undefined,
        change.title ?? null,
        change.dueOn !== undefined,
        change.dueOn ?? null,
        change.assigneeId !== undefined,
        change.assigneeId ?? null,
        change.done ?? null,
        actorId,
      ],
    );
    return row;
  }

  /** Open tasks first (by due day), then the done ones (latest done first). */
  listForCase(tx: OfficeTx, caseId: string): Promise<ManualTaskRow[]> {
    return tx.manager.query(
      `SELECT * FROM case_task WHERE case_id = $1 AND office_id = ANY($2::uuid[])
        ORDER BY done_at IS NOT NULL, due_on, done_at DESC, created_at, id`,
      [caseId, tx.officeIds],
    );
  }
}
