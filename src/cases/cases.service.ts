import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import type { RequestContext } from '../auth/request-context';
import { roleIn } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { assertIfMatch, IfMatch } from '../common/http/if-match';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { inTransaction } from '../database/transaction';
import { initialCaseState } from '../phase-model';
import { assertNotErased, readableOffices, writableOffices } from './case-access';
import { toCaseDto, toCaseListItemDto, toContactDto, toHistoryDto } from './case.mapper';
import type { CaseDataField, CaseGateRow } from './case.row';
import { CasesRepository } from './cases.repository';
import { assertTargetSector } from '../founders/target-sector-check';
import { readerView } from '../privacy/reader-view';
import { HistorySealer } from '../history-chain/history-sealer';
import type { CaseListQueryDto, CreateCaseDto, CreateContactDto, UpdateCaseDto } from './dto/case.dto';
import type { CaseDto, CaseHistoryDto, CasePageDto, ContactListDto, RecordedContactDto } from './dto/case-response.dto';

/** Cases: creation, case data and milestones, contacts, reading. Phase changes: case-transition.service.ts. */
@Injectable()
export class CasesService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(HistorySealer) private readonly sealer: HistorySealer,
  ) {}

  async create(ctx: RequestContext, dto: CreateCaseDto): Promise<CaseDto> {
    const { founderId, ...data } = dto;
    const id = await inTransaction(this.db, async (tx) => {
      const officeId = await this.cases.founderOffice(founderId, writableOffices(ctx), tx);
      if (!officeId) throw new AppError('not_found', 'No such founder.');
      await this.assertAssignable(data.advisorId, officeId, tx);
      await assertTargetSector(tx, data.sector, 'sector');
      const initial = initialCaseState();
      const caseId = await this.cases.insert(
        tx,
        { officeId, founderId, createdBy: ctx.actor.id, ...initial },
        data as Partial<Record<CaseDataField, unknown>>,
      );
      await this.accessLog.record(ctx, { officeId, resourceType: 'case', resourceId: caseId, action: 'create' }, tx);
      return caseId;
    });
    return this.answer(ctx, (await this.cases.findById(id, writableOffices(ctx)))!);
  }

  async get(ctx: RequestContext, id: string): Promise<CaseDto> {
    const row = await this.readable(ctx, id);
    await this.accessLog.record(ctx, { officeId: row.office_id, resourceType: 'case', resourceId: id, action: 'read' });
    return readerView(ctx, row.office_id, 'case', this.answer(ctx, row));
  }

  async list(ctx: RequestContext, q: CaseListQueryDto): Promise<CasePageDto> {
    const limit = q.limit ?? 50;
    let officeIds = readableOffices(ctx);
    if (q.officeId) officeIds = officeIds.filter((o) => o === q.officeId);
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']) as [string, string] | null;
    const rows = await this.cases.list({ officeIds, ...q, after, limit });
    await this.accessLog.record(ctx, {
      officeId: q.officeId ?? null,
      resourceType: 'case',
      resourceId: null,
      action: 'list',
      details: { count: Math.min(rows.length, limit), phase: q.phase, status: q.status },
    });
    return toPage(rows, limit, (r) => readerView(ctx, r.office_id, 'case_list_item', toCaseListItemDto(r)), (r) => [r.cursor_at, r.id]);
  }

  /** Every PATCH that is let through is a new version of the case (a new ETag). */
  async update(ctx: RequestContext, id: string, dto: UpdateCaseDto, ifMatch: IfMatch | null): Promise<CaseDto> {
    await inTransaction(this.db, async (tx) => {
      const row = await this.cases.lockForUpdate(tx, id, writableOffices(ctx));
      if (!row) throw new AppError('not_found', 'No such case.');
      assertNotErased(row);
      assertIfMatch(ifMatch, row.version, 'case');
      if (dto.advisorId) await this.assertAssignable(dto.advisorId, row.office_id, tx);
      await assertTargetSector(tx, dto.sector, 'sector');
      // An empty PATCH changes nothing, so it is no new version either.
      await this.cases.updateData(tx, id, dto as Partial<Record<CaseDataField, unknown>>, { newVersion: true });
      await this.accessLog.record(ctx, { officeId: row.office_id, resourceType: 'case', resourceId: id, action: 'update', details: { fields: Object.keys(dto) } }, tx);
    });
    return this.answer(ctx, (await this.cases.findById(id, writableOffices(ctx)))!);
  }

  async history(ctx: RequestContext, id: string, verify = false): Promise<CaseHistoryDto> {
    const row = await this.readable(ctx, id);
    const rows = await this.cases.history(id);
    await this.accessLog.record(ctx, { officeId: row.office_id, resourceType: 'case_history', resourceId: id, action: 'read' });
    return {
      caseId: id,
      version: row.version,
      // Recomputes the case's chain from the stored rows.
      ...(verify ? { chain: this.sealer.storedCaseChain(rows) } : {}),
      // Auditors see codes, not the free texts (reasons and notes can name people).
      items: rows.map((h) => readerView(ctx, row.office_id, 'case_history_item', toHistoryDto(h))),
    };
  }

  /**
   * A contact is part of the case (it can open the first-counselling gate), so recording one is
   * a new version of the case: If-Match names the case's ETag, and the answer gives the new one.
   */
  async addContact(ctx: RequestContext, caseId: string, dto: CreateContactDto, ifMatch: IfMatch | null = null): Promise<RecordedContactDto> {
    const { contact, caseVersion } = await inTransaction(this.db, async (tx) => {
      const row = await this.cases.lockForUpdate(tx, caseId, writableOffices(ctx));
      if (!row) throw new AppError('not_found', 'No such case.');
      assertNotErased(row);
      assertIfMatch(ifMatch, row.version, 'case');
      const inserted = await this.cases.insertContact(tx, caseId, row.office_id, ctx.actor.id, dto);
      const version = await this.cases.bumpVersion(tx, caseId);
      await this.accessLog.record(ctx, { officeId: row.office_id, resourceType: 'case_contact', resourceId: inserted.id, action: 'create', details: { caseId } }, tx);
      return { contact: inserted, caseVersion: version };
    });
    return { ...toContactDto(contact), caseVersion };
  }

  async contacts(ctx: RequestContext, caseId: string): Promise<ContactListDto> {
    const row = await this.cases.findById(caseId, writableOffices(ctx));
    if (!row) throw new AppError('not_found', 'No such case.');
    const rows = await this.cases.contacts(caseId);
    await this.accessLog.record(ctx, { officeId: row.office_id, resourceType: 'case_contact', resourceId: caseId, action: 'list' });
    return { items: rows.map(toContactDto) };
  }

  /** The case as this caller sees it: availableEvents follow their role in the case's office. */
  private answer(ctx: RequestContext, row: CaseGateRow): CaseDto {
    return toCaseDto(row, roleIn(ctx.actor, row.office_id));
  }

  private async readable(ctx: RequestContext, id: string): Promise<CaseGateRow> {
    const row = await this.cases.findById(id, readableOffices(ctx));
    if (!row) throw new AppError('not_found', 'No such case.');
    return row;
  }

  private async assertAssignable(advisorId: string | null | undefined, officeId: string, tx: EntityManager): Promise<void> {
    if (advisorId && !(await this.cases.isAssignableAdvisor(advisorId, officeId, tx))) {
      throw new AppError('advisor_unknown', 'advisorId is not an active advisor or lead of the case\u2019s office.', {
        errors: [{ field: 'advisorId', message: 'not an advisor of this office' }],
      });
    }
  }
}

