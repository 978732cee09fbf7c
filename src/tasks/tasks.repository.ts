import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import { prepared } from '../database/prepared';
import type { OfficeSettings } from '../office-settings/office-settings';
import type { Task, TaskKind, TaskReason } from './task';
import { tasksSql, type TaskQuery } from './tasks-query';

/** A task as the desk's SQL answers it (no table: the tasks are derived at read time). */
type TaskRow = {
  id: string;
  kind: TaskKind;
  office_id: string;
  case_id: string | null;
  analysis_id: string | null;
  due_on: string;
  horizon_on: string | null;
  assignee_id: string | null;
  reason: TaskReason;
  title: string | null;
};

function toTask(r: TaskRow): Task {
  return {
    id: r.id,
    kind: r.kind,
    officeId: r.office_id,
    caseId: r.case_id,
    analysisId: r.analysis_id,
    dueOn: r.due_on,
    horizonOn: r.horizon_on,
    assigneeId: r.assignee_id,
    reason: r.reason,
    title: r.title,
  };
}

@Injectable()
export class TasksRepository {
  /** The open tasks of the scope's offices in (dueOn, id) order, with each office's settings. */
  async open(tx: OfficeTx, settings: readonly OfficeSettings[], q: TaskQuery): Promise<Task[]> {
    if (tx.officeIds.length === 0 || q.kinds.length === 0) return [];
    const query = tasksSql(q, tx.officeIds, settings);
    if (query === null) return [];
    const { sql, params } = query;
    // The planner adds up the estimated cost of every branch as if it ran to the end (the LIMITs
    // stop them after a few rows), which passes jit_above_cost under row-level security: JIT
    // compiling then took ~0.5 s of a 30 ms query. Off for this transaction only.
    // The generic plan, always: planning the branches took longer than running them (12–20 ms
    // of ~35 on the 50,000-case office), and PostgreSQL kept re-planning the named statement with
    // each request's values (a custom plan), since its estimate of the generic plan's cost is no
    // better. The plan does not depend on the values much: every branch reads its index in order
    // under a LIMIT. Measured on that office: p50 28.6 → 18.6 ms, one client. No parallel workers:
    // each branch stops after a page of rows, and a worker's start costs more than that.
    await tx.manager.query(
      `SELECT set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true),
              set_config('max_parallel_workers_per_gather', '0', true)`,
    );
    // Named by its text (one per combination of kinds, filters and consent versions), so that a
    // connection plans each shape once.
    const name = `tasks_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    const rows = await prepared<TaskRow>(tx.manager, name, sql, params);
    return rows.map(toTask);
  }
}
