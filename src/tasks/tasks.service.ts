import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { includes, narrowTo, officesFor } from '../auth/office-scope';
import type { Principal } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { AppError } from '../common/errors/app-error';
import { isCalendarDate, todayInBerlin } from '../common/time/calendar-date';
import { OfficeDb, type OfficeTx } from '../database/office-transaction';
import { ReplicaOfficeDb } from '../database/replica-office-db';
import { OfficeSettingsRepository } from '../office-settings/office-settings.repository';
import type { TaskListQueryDto } from './dto/task-query.dto';
import type { TaskPageDto } from './dto/task-response.dto';
import { TASK_KINDS, type DueFilter, type Task } from './task';
import type { TaskQuery } from './tasks-query';
import { TasksRepository } from './tasks.repository';

function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const TASK_ID = /^[a-z_0-9]+:[0-9a-f:-]+$/;

/** A cursor is (dueOn, id) of a task: anything else would reach the SQL as a bad date. */
function decodeTaskCursor(cursor: string | undefined): [string, string] | null {
  const key = decodeCursor(cursor, ['string', 'string']) as [string, string] | null;
  if (key && !(isCalendarDate(key[0]) && TASK_ID.test(key[1])))
    throw new AppError('validation_failed', 'The cursor is not valid; start again without it.', {
      errors: [{ field: 'cursor', message: 'cursor is not a value returned by this endpoint' }],
    });
  return key;
}

/** The due filter as bounds on dueOn (days in Europe/Berlin). */
export function dueBounds(due: DueFilter, today: string): Pick<TaskQuery, 'minDue' | 'maxDue'> {
  switch (due) {
    case 'overdue':
      return { minDue: null, maxDue: plusDays(today, -1) };
    case 'today':
      return { minDue: today, maxDue: today };
    case 'week':
      return { minDue: today, maxDue: plusDays(today, 6) };
    case 'all':
      return { minDue: null, maxDue: null };
  }
}

/**
 * The desk: open tasks, derived at read time from the cases, RE_SET periods and manual tasks by
 * the rules in task-branches.ts, with each office's settings as they are at this read.
 */
@Injectable()
export class TasksService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    // The desk's list reads on the standby when DATABASE_READ_URL names one (else the primary).
    @Inject(ReplicaOfficeDb) private readonly readDb: ReplicaOfficeDb,
    @Inject(TasksRepository) private readonly tasks: TasksRepository,
    @Inject(OfficeSettingsRepository) private readonly settings: OfficeSettingsRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  list(ctx: RequestContext, q: TaskListQueryDto, today = todayInBerlin()): Promise<TaskPageDto> {
    const limit = q.limit ?? 50;
    const all = officesFor(ctx.actor, 'tasks.read');
    const scope = q.officeId ? narrowTo(all, q.officeId) : all;
    const after = decodeTaskCursor(q.cursor);
    return this.readDb.run(scope, async (tx) => {
      const tasks = await this.read(tx, {
        today,
        kinds: q.kind ?? TASK_KINDS,
        ...dueBounds(q.due ?? 'all', today),
        after,
        assigneeId: q.assigneeId === 'me' ? ctx.actor.id : (q.assigneeId ?? null),
        rows: limit + 1,
      });
      this.accessLog.record(
        ctx,
        {
          officeId: q.officeId && includes(scope, q.officeId) ? q.officeId : null,
          resourceType: 'task',
          resourceId: null,
          action: 'list',
          details: { count: Math.min(tasks.length, limit), due: q.due, kinds: q.kind },
        },
        tx,
      );
      return toPage(
        tasks,
        limit,
        (t) => t,
        (t) => [t.dueOn, t.id],
      );
    });
  }

  /**
   * For the calendar feed: the open tasks assigned to `userId` (any due date), in the offices
   * where `actor` holds tasks.read, in (dueOn, id) order, at most `limit`.
   */
  assignedTo(
    actor: Principal,
    userId: string,
    limit = 1000,
    today = todayInBerlin(),
  ): Promise<Task[]> {
    return this.officeDb.run(officesFor(actor, 'tasks.read'), (tx) =>
      this.read(tx, {
        today,
        kinds: TASK_KINDS,
        minDue: null,
        maxDue: null,
        after: null,
        assigneeId: userId,
        rows: limit,
      }),
    );
  }

  private async read(tx: OfficeTx, q: TaskQuery): Promise<Task[]> {
    // Loaded at every read: a settings change takes effect on the next one.
    const settings = await this.settings.forOffices(tx);
    return this.tasks.open(tx, settings, q);
  }
}
