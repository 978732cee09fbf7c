import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { todayInBerlin } from '../../common/time/calendar-date';
import { OfficeDb, type OfficeTx } from '../../database/office-transaction';
import { OfficeSettingsRepository } from '../../office-settings/office-settings.repository';
import { DERIVED_TASK_KINDS, type Task } from '../../tasks/task';
import { TasksRepository } from '../../tasks/tasks.repository';

/** How often the announcer looks for tasks that have come due. */
export const TASK_DUE_SWEEP_MS = 60_000;
/** Tasks derived and announced per statement. */
const PAGE = 500;

/**
 * A derived task's due day announced (task.due): one row per office, task and due day.
 *
 * @table webhook_task_due
 */
export interface WebhookTaskDueRow {
  office_id: string;
  task_id: string;
  due_on: string;
  announced_at: Date;
}

/**
 * `task.due`: derived tasks are computed at read time and never stored, so no trigger can see one
 * come due. Every minute (and once at start), for each office with an endpoint subscribed to
 * task.due, this derives the office's open derived tasks with the desk's own query
 * (TasksRepository) whose due day (Europe/Berlin) has come, and announces each (task, due day)
 * once: the marker in webhook_task_due and the outbox rows are written by one statement, so of
 * two instances sweeping at once the second finds the marker (ON CONFLICT waits for the first's
 * commit) and announces nothing. A task whose due date moves later and comes due again is a new
 * (task, due day), announced again.
 *
 * A new subscriber gets no flood of the backlog: tasks due before the office's earliest
 * subscribed endpoint was created (its Berlin day) are not announced. Manual tasks are not
 * derived (their due date is what the office wrote itself) and are not announced.
 */
@Injectable()
export class TaskDueAnnouncer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TaskDueAnnouncer');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(TasksRepository) private readonly tasks: TasksRepository,
    @Inject(OfficeSettingsRepository) private readonly settings: OfficeSettingsRepository,
  ) {}

  onApplicationBootstrap(): void {
    // The same switch as the delivery worker: WEBHOOK_POLL_MS=0 turns the webhooks' jobs off.
    if (this.config.webhookPollMs <= 0) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), TASK_DUE_SWEEP_MS);
    this.timer.unref();
  }

  /** Before the database closes (in onApplicationShutdown): lets the running sweep end. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One sweep now (also for tests): announces every task of the subscribed offices that has come
   * due by `today` and was not announced yet. Returns how many (task, due day) were announced.
   */
  async sweep(today: string = todayInBerlin()): Promise<number> {
    const offices = await this.officeDb.run({ officeIds: 'every' }, (tx) =>
      this.subscribedOffices(tx),
    );
    let announced = 0;
    for (const { office_id, since } of offices) {
      announced += await this.officeDb.run({ officeIds: [office_id] }, (tx) =>
        this.announceOffice(tx, office_id, since, today),
      );
    }
    return announced;
  }

  /** A sweep unless one is still running; its failure is logged (codes only) and the next goes on. */
  private tick(): void {
    if (this.running) return;
    this.running = this.sweep()
      .catch((error: unknown) => {
        const code = (error as { code?: unknown })?.code;
        this.logger.warn(`task.due sweep failed (${typeof code === 'string' ? code : 'error'})`);
      })
      .finally(() => {
        this.running = null;
      });
  }

  /** Offices with an endpoint that takes task.due, and the Berlin day its first one was created. */
  private subscribedOffices(tx: OfficeTx): Promise<{ office_id: string; since: string }[]> {
    return tx.manager.query(
      `SELECT office_id, min((created_at AT TIME ZONE 'Europe/Berlin')::date)::text AS since
         FROM webhook_endpoint
        WHERE office_id = ANY($1::uuid[]) AND deleted_at IS NULL AND status <> 'disabled'
          AND 'task.due' = ANY (events)
        GROUP BY office_id ORDER BY office_id`,
      [tx.officeIds],
    );
  }

  private async announceOffice(
    tx: OfficeTx,
    officeId: string,
    since: string,
    today: string,
  ): Promise<number> {
    // Loaded per sweep, as the desk does per read: a settings change counts from the next sweep.
    const settings = await this.settings.forOffices(tx);
    let after: [string, string] | null = null;
    let announced = 0;
    for (;;) {
      const due = await this.tasks.open(tx, settings, {
        today,
        kinds: DERIVED_TASK_KINDS,
        minDue: since,
        maxDue: today,
        after,
        assigneeId: null,
        rows: PAGE,
      });
      if (due.length > 0) announced += await this.announce(tx, officeId, due);
      if (due.length < PAGE) return announced;
      const last = due[due.length - 1];
      after = [last.dueOn, last.id];
    }
  }

  /** Marks and enqueues the tasks not announced yet, in one statement; returns how many. */
  private async announce(tx: OfficeTx, officeId: string, due: Task[]): Promise<number> {
    const tasks = due.map((t) => ({
      id: t.id,
      kind: t.kind,
      case_id: t.caseId,
      analysis_id: t.analysisId,
      due_on: t.dueOn,
    }));
    const rows: unknown[] = await tx.manager.query(
      `WITH due AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb)
             AS d(id text, kind text, case_id uuid, analysis_id uuid, due_on date)),
       marked AS (
         INSERT INTO webhook_task_due (office_id, task_id, due_on)
         SELECT $1, id, due_on FROM due
         ON CONFLICT DO NOTHING
         RETURNING task_id, due_on)
       SELECT webhook_enqueue($1, 'task.due', COALESCE(d.case_id::text, d.analysis_id::text, d.id),
                jsonb_build_object('taskId', d.id, 'kind', d.kind, 'officeId', $1::uuid,
                  'caseId', d.case_id, 'analysisId', d.analysis_id, 'dueOn', d.due_on))
         FROM marked m JOIN due d ON d.id = m.task_id AND d.due_on = m.due_on
        ORDER BY d.due_on, d.id`,
      [officeId, JSON.stringify(tasks)],
    );
    return rows.length;
  }
}
