import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { includes, narrowTo, officesFor, type OfficeScope } from '../auth/office-scope';
import { todayInBerlin } from '../common/time/calendar-date';
import { hasFounderFilter, toGroupFilter, type GroupFilter } from '../group-filters/group-filter';
import { roleIn } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { assertIfMatch, IfMatch } from '../common/http/if-match';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { OfficeDb, OfficeTx } from '../database/office-transaction';
import { initialCaseState } from '../phase-model';
import { assertNotErased } from '../privacy/erased';
import { refuseWhileInTransfer } from '../transfers/in-transfer';
import { toCaseDto, toCaseListItemDto, toContactDto, toHistoryDto } from './case.mapper';
import type { CaseGateRow } from './case.row';
import { CasesRepository } from './cases.repository';
import { assertTargetSector } from '../founders/target-sector-check';
import { readerView } from '../privacy/reader-view';
import { HistorySealer } from '../history-chain/history-sealer';
import type { CreateCaseDto, CreateContactDto, UpdateCaseDto } from './dto/case.dto';
import type { CaseListQueryDto } from './dto/case-list-query.dto';
import type {
  CaseDto,
  CaseHistoryDto,
  CasePageDto,
  ContactListDto,
  RecordedContactDto,
} from './dto/case-response.dto';

/**
 * The offices whose cases a caller may list. Filtering by the founder's profile reads founder
 * data, so with a founder filter only offices where the caller may also read founders count (not
 * an auditor's: auditors see pseudonymised data, never the founder records); none of them is 403.
 */
function listScope(ctx: RequestContext, group: GroupFilter): OfficeScope {
  const cases = officesFor(ctx.actor, 'cases.list');
  if (!hasFounderFilter(group)) return cases;
  const founders = officesFor(ctx.actor, 'founders.read');
  const officeIds =
    cases.officeIds === 'every' || founders.officeIds === 'every'
      ? [] // administrators hold neither (social data); kept explicit in case that changes
      : cases.officeIds.filter((id) => founders.officeIds.includes(id));
  if (officeIds.length === 0)
    throw new AppError(
      'forbidden',
      'Filtering cases by the founder\u2019s profile needs permission to read founders (advisors and leads).',
    );
  return { permission: cases.permission, officeIds };
}

/**
 * Cases: creation, case data and milestones, contacts, reading. Phase changes: case-transition.service.ts.
 * Each use case runs in one transaction scoped to the offices where the caller holds its permission.
 */
@Injectable()
export class CasesService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(HistorySealer) private readonly sealer: HistorySealer,
  ) {}

  create(ctx: RequestContext, dto: CreateCaseDto): Promise<CaseDto> {
    const { founderId, ...data } = dto;
    return this.officeDb.run(officesFor(ctx.actor, 'case.write'), async (tx) => {
      const officeId = await this.cases.founderOffice(tx, founderId);
      if (!officeId) throw new AppError('not_found', 'No such founder.');
      await refuseWhileInTransfer(tx, founderId);
      await this.assertAssignable(tx, data.advisorId, officeId);
      await assertTargetSector(tx.manager, data.sector, 'sector');
      const caseId = await this.cases.insert(
        tx,
        { officeId, founderId, createdBy: ctx.actor.id, ...initialCaseState() },
        data,
      );
      this.accessLog.record(
        ctx,
        { officeId, resourceType: 'case', resourceId: caseId, action: 'create' },
        tx,
      );
      return this.answer(ctx, (await this.cases.findById(tx, caseId))!);
    });
  }

  get(ctx: RequestContext, id: string): Promise<CaseDto> {
    // The hottest read: BEGIN, scope, SELECT and COMMIT in one round trip (OfficeDb.read).
    const scope = officesFor(ctx.actor, 'case.read');
    const statement = (officeIds: readonly string[]) => [this.cases.byIdStatement(id, officeIds)];
    return this.officeDb.read(scope, statement, (tx, [rows]) => {
      const row = rows[0] as CaseGateRow | undefined;
      if (!row) throw new AppError('not_found', 'No such case.');
      this.accessLog.record(
        ctx,
        { officeId: row.office_id, resourceType: 'case', resourceId: id, action: 'read' },
        tx,
      );
      return readerView(ctx, row.office_id, 'case', this.answer(ctx, row));
    });
  }

  list(ctx: RequestContext, q: CaseListQueryDto): Promise<CasePageDto> {
    const limit = q.limit ?? 50;
    const group = toGroupFilter(q, ctx.actor, todayInBerlin());
    const all = listScope(ctx, group);
    const scope = q.officeId ? narrowTo(all, q.officeId) : all;
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']) as [string, string] | null;
    return this.officeDb.run(scope, async (tx) => {
      const rows = await this.cases.list(tx, {
        group,
        founderId: q.founderId,
        updatedSince: q.updatedSince,
        after,
        limit,
      });
      this.accessLog.record(
        ctx,
        {
          // An office the caller is not in is not theirs to log against (row-level security agrees).
          officeId: q.officeId && includes(scope, q.officeId) ? q.officeId : null,
          resourceType: 'case',
          resourceId: null,
          action: 'list',
          details: {
            count: Math.min(rows.length, limit),
            phase: q.phase,
            status: q.status,
            ...(group.names.length > 0 ? { filters: group.names } : {}),
          },
        },
        tx,
      );
      return toPage(
        rows,
        limit,
        (r) => readerView(ctx, r.office_id, 'case_list_item', toCaseListItemDto(r)),
        (r) => [r.cursor_at, r.id],
      );
    });
  }

  /** Every PATCH that is let through is a new version of the case (a new ETag). */
  update(
    ctx: RequestContext,
    id: string,
    dto: UpdateCaseDto,
    ifMatch: IfMatch | null,
  ): Promise<CaseDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.write'), async (tx) => {
      const row = await this.cases.lockForUpdate(tx, id);
      if (!row) throw new AppError('not_found', 'No such case.');
      assertNotErased(row);
      assertIfMatch(ifMatch, row.version, 'case');
      if (dto.advisorId) await this.assertAssignable(tx, dto.advisorId, row.office_id);
      await assertTargetSector(tx.manager, dto.sector, 'sector');
      // An empty PATCH changes nothing, so it is no new version either.
      await this.cases.updateData(tx, id, dto, { newVersion: true });
      this.accessLog.record(
        ctx,
        {
          officeId: row.office_id,
          resourceType: 'case',
          resourceId: id,
          action: 'update',
          details: { fields: Object.keys(dto) },
        },
        tx,
      );
      return this.answer(ctx, (await this.cases.findById(tx, id))!);
    });
  }

  history(ctx: RequestContext, id: string, verify = false): Promise<CaseHistoryDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.read'), async (tx) => {
      const row = await this.found(tx, id);
      const rows = await this.cases.history(tx, id);
      this.accessLog.record(
        ctx,
        { officeId: row.office_id, resourceType: 'case_history', resourceId: id, action: 'read' },
        tx,
      );
      return {
        caseId: id,
        version: row.version,
        // Recomputes the case's chain from the stored rows.
        ...(verify ? { chain: this.sealer.storedCaseChain(rows) } : {}),
        // Auditors see codes, not the free texts (reasons and notes can name people).
        items: rows.map((h) =>
          readerView(ctx, row.office_id, 'case_history_item', toHistoryDto(h)),
        ),
      };
    });
  }

  /**
   * A contact is part of the case (it can open the first-counselling gate), so recording one is
   * a new version of the case: If-Match names the case's ETag, and the answer gives the new one.
   */
  addContact(
    ctx: RequestContext,
    caseId: string,
    dto: CreateContactDto,
    ifMatch: IfMatch | null = null,
  ): Promise<RecordedContactDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.write'), async (tx) => {
      const row = await this.cases.lockForUpdate(tx, caseId);
      if (!row) throw new AppError('not_found', 'No such case.');
      assertNotErased(row);
      assertIfMatch(ifMatch, row.version, 'case');
      const inserted = await this.cases.insertContact(tx, caseId, row.office_id, ctx.actor.id, dto);
      const caseVersion = await this.cases.bumpVersion(tx, caseId);
      this.accessLog.record(
        ctx,
        {
          officeId: row.office_id,
          resourceType: 'case_contact',
          resourceId: inserted.id,
          action: 'create',
          details: { caseId },
        },
        tx,
      );
      return { ...toContactDto(inserted), caseVersion };
    });
  }

  contacts(ctx: RequestContext, caseId: string): Promise<ContactListDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.contacts.read'), async (tx) => {
      const row = await this.found(tx, caseId);
      const rows = await this.cases.contacts(tx, caseId);
      this.accessLog.record(
        ctx,
        {
          officeId: row.office_id,
          resourceType: 'case_contact',
          resourceId: caseId,
          action: 'list',
        },
        tx,
      );
      return { items: rows.map(toContactDto) };
    });
  }

  /** The case as this caller sees it: availableEvents follow their role in the case's office. */
  private answer(ctx: RequestContext, row: CaseGateRow): CaseDto {
    return toCaseDto(row, roleIn(ctx.actor, row.office_id));
  }

  private async found(tx: OfficeTx, id: string): Promise<CaseGateRow> {
    const row = await this.cases.findById(tx, id);
    if (!row) throw new AppError('not_found', 'No such case.');
    return row;
  }

  private async assertAssignable(
    tx: OfficeTx,
    advisorId: string | null | undefined,
    officeId: string,
  ): Promise<void> {
    if (advisorId && !(await this.cases.isAssignableAdvisor(tx, advisorId, officeId))) {
      throw new AppError(
        'advisor_unknown',
        'advisorId is not an active advisor or lead of the case\u2019s office.',
        {
          errors: [{ field: 'advisorId', message: 'not an advisor of this office' }],
        },
      );
    }
  }
}
