import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../../access-log/access-log.service';
import { officesFor } from '../../auth/office-scope';
import type { RequestContext } from '../../auth/request-context';
import { AppError } from '../../common/errors/app-error';
import { assertIfMatch, type IfMatch } from '../../common/http/if-match';
import type { OfficeTx } from '../../database/office-transaction';
import { OfficeDb } from '../../database/office-transaction';
import type { CaseGateRow } from '../../cases/case.row';
import { CasesRepository } from '../../cases/cases.repository';
import { assertNotErased } from '../../privacy/erased';
import type {
  CreateManualTaskDto,
  ManualTaskDto,
  ManualTaskListDto,
  UpdateManualTaskDto,
} from './dto/manual-task.dto';
import { toManualTaskDto } from './manual-task.mapper';
import { ManualTasksRepository } from './manual-tasks.repository';

/**
 * Manual tasks (Wiedervorlage). A task is its own versioned record beside the case (its changes
 * are no new version of the case), but it belongs to the case: it is in the case's office, and
 * nothing new is written about an erased founder.
 */
@Injectable()
export class ManualTasksService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(ManualTasksRepository) private readonly tasks: ManualTasksRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  create(ctx: RequestContext, caseId: string, dto: CreateManualTaskDto): Promise<ManualTaskDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'tasks.write'), async (tx) => {
      const c = await this.writableCase(tx, caseId);
      await this.assertAssignable(tx, dto.assigneeId, c.office_id);
      const row = await this.tasks.insert(tx, {
        officeId: c.office_id,
        caseId,
        title: dto.title,
        dueOn: dto.dueOn,
        assigneeId: dto.assigneeId ?? null,
        createdBy: staffId(ctx),
      });
      this.log(ctx, tx, row.office_id, row.id, 'create', { caseId });
      return toManualTaskDto(row);
    });
  }

  list(ctx: RequestContext, caseId: string): Promise<ManualTaskListDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'tasks.read'), async (tx) => {
      const c = await this.cases.findById(tx, caseId);
      if (!c) throw new AppError('not_found', 'No such case.');
      const rows = await this.tasks.listForCase(tx, caseId);
      this.log(ctx, tx, c.office_id, caseId, 'list', { count: rows.length });
      return { items: rows.map(toManualTaskDto) };
    });
  }

  /** An empty body changes nothing, so it is no new version either. */
  update(
    ctx: RequestContext,
    id: string,
    dto: UpdateManualTaskDto,
    ifMatch: IfMatch | null,
  ): Promise<ManualTaskDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'tasks.write'), async (tx) => {
      const task = await this.tasks.lockForUpdate(tx, id);
      if (!task) throw new AppError('not_found', 'No such task.');
      await this.writableCase(tx, task.case_id);
      assertIfMatch(ifMatch, task.version, 'task');
      if (dto.assigneeId) await this.assertAssignable(tx, dto.assigneeId, task.office_id);
      const fields = Object.keys(dto).filter(
        (k) => dto[k as keyof UpdateManualTaskDto] !== undefined,
      );
      if (fields.length === 0) return toManualTaskDto(task);
      const row = await this.tasks.update(tx, id, dto, staffId(ctx));
      this.log(ctx, tx, row.office_id, id, 'update', { caseId: row.case_id, fields });
      return toManualTaskDto(row);
    });
  }

  private async writableCase(tx: OfficeTx, caseId: string): Promise<CaseGateRow> {
    const c = await this.cases.findById(tx, caseId);
    if (!c) throw new AppError('not_found', 'No such case.');
    assertNotErased(c);
    return c;
  }

  private async assertAssignable(
    tx: OfficeTx,
    assigneeId: string | null | undefined,
    officeId: string,
  ): Promise<void> {
    if (assigneeId && !(await this.cases.isAssignableAdvisor(tx, assigneeId, officeId))) {
      throw new AppError(
        'advisor_unknown',
        'assigneeId is not an active advisor or lead of the case\u2019s office.',
        { errors: [{ field: 'assigneeId', message: 'not an advisor of this office' }] },
      );
    }
  }

  private log(
    ctx: RequestContext,
    tx: OfficeTx,
    officeId: string,
    resourceId: string,
    action: 'create' | 'list' | 'update',
    details: Record<string, unknown>,
  ): void {
    this.accessLog.record(
      ctx,
      { officeId, resourceType: 'case_task', resourceId, action, details },
      tx,
    );
  }
}

/**
 * created_by and done_by reference app_user: an office's API key (an advisor key may write tasks)
 * is no user, so its changes name nobody there; the access log keeps who it was.
 */
function staffId(ctx: RequestContext): string | null {
  return ctx.actor.kind === 'user' ? ctx.actor.id : null;
}
