import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { assertIfMatch, IfMatch } from '../common/http/if-match';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { OfficeDb, OfficeTx } from '../database/office-transaction';
import type {
  BusinessDto,
  CreateResetAnalysisDto,
  HouseholdDto,
  ResetAnalysisListQueryDto,
  UpdateResetAnalysisDto,
} from './dto/analysis.dto';
import { toCents } from './dto/euro';
import { initialResetState, RESET_MACHINE_VERSION } from './lifecycle';
import { ResetView } from './reset-view';
import { HistorySealer } from '../history-chain/history-sealer';
import type { ResetAnalysisPageDto, ResetHistoryDto } from './dto/reset-analysis.dto';
import { ResetAnalysisDto, toListItem, toResetHistoryDto } from './reset.mapper';
import { HouseholdColumns, ResetRepository } from './reset.repository';
import type { AnalysisRow, StoredBusiness } from './reset.row';
import { assertNotErased } from '../privacy/erased';
import { refuseWhileInTransfer } from '../transfers/in-transfer';
import { assertOpen } from './open-analysis';
import { assertTargetSector } from '../founders/target-sector-check';
import { readerView } from '../privacy/reader-view';

/**
 * RE_SET analyses: creation, data, reading. Periods: reset-periods.service.ts; lifecycle:
 * reset-transition.service.ts. Each use case runs in one transaction scoped to the offices where
 * the caller holds its permission (reset.write or reset.read), its access-log entry included.
 */
@Injectable()
export class ResetAnalysesService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(ResetView) private readonly view: ResetView,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(HistorySealer) private readonly sealer: HistorySealer,
  ) {}

  create(ctx: RequestContext, dto: CreateResetAnalysisDto): Promise<ResetAnalysisDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'reset.write'), async (tx) => {
      const officeId = await this.reset.founderOffice(tx, dto.founderId);
      if (!officeId) throw new AppError('not_found', 'No such founder.');
      await refuseWhileInTransfer(tx, dto.founderId);
      await assertTargetSector(tx.manager, dto.business.sector, 'business.sector');
      const id = await this.reset.insert(
        tx,
        {
          officeId,
          founderId: dto.founderId,
          createdBy: ctx.actor.id,
          state: initialResetState(),
          machineVersion: RESET_MACHINE_VERSION,
        },
        storedBusiness(dto.business),
        householdColumns(dto.household),
      );
      this.accessLog.record(
        ctx,
        { officeId, resourceType: 'reset_analysis', resourceId: id, action: 'create' },
        tx,
      );
      return this.view.reload(ctx, tx, id);
    });
  }

  get(ctx: RequestContext, id: string): Promise<ResetAnalysisDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'reset.read'), async (tx) => {
      const row = await this.readable(tx, id);
      this.accessLog.record(
        ctx,
        { officeId: row.office_id, resourceType: 'reset_analysis', resourceId: id, action: 'read' },
        tx,
      );
      return this.view.analysis(ctx, tx, row);
    });
  }

  list(ctx: RequestContext, q: ResetAnalysisListQueryDto): Promise<ResetAnalysisPageDto> {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']) as [string, string] | null;
    return this.officeDb.run(officesFor(ctx.actor, 'reset.read'), async (tx) => {
      const rows = await this.reset.list(tx, {
        state: q.state,
        founderId: q.founderId,
        finalDeclarationDueBefore: q.finalDeclarationDueBefore,
        after,
        limit,
      });
      this.accessLog.record(
        ctx,
        {
          officeId: null,
          resourceType: 'reset_analysis',
          resourceId: null,
          action: 'list',
          details: { count: Math.min(rows.length, limit), state: q.state, founderId: q.founderId },
        },
        tx,
      );
      return toPage(rows, limit, toListItem, (r) => [r.updated_key, r.id]);
    });
  }

  update(
    ctx: RequestContext,
    id: string,
    dto: UpdateResetAnalysisDto,
    ifMatch: IfMatch | null,
  ): Promise<ResetAnalysisDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'reset.write'), async (tx) => {
      const row = await this.reset.lockForUpdate(tx, id);
      if (!row) throw new AppError('not_found', 'No such analysis.');
      assertIfMatch(ifMatch, row.version, 'analysis');
      assertOpen(row);
      assertNotErased(await this.reset.founderErasure(tx, row.founder_id));
      await assertTargetSector(tx.manager, dto.business?.sector, 'business.sector');
      await this.reset.updateData(tx, id, {
        business: dto.business && storedBusiness(dto.business),
        household: dto.household && householdColumns(dto.household),
        assessment: dto.assessment,
      });
      this.accessLog.record(
        ctx,
        {
          officeId: row.office_id,
          resourceType: 'reset_analysis',
          resourceId: id,
          action: 'update',
          details: { fields: Object.keys(dto) },
        },
        tx,
      );
      return this.view.reload(ctx, tx, id);
    });
  }

  history(ctx: RequestContext, id: string, verify = false): Promise<ResetHistoryDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'reset.read'), async (tx) => {
      const row = await this.readable(tx, id);
      const rows = await this.reset.history(tx, id);
      this.accessLog.record(
        ctx,
        { officeId: row.office_id, resourceType: 'reset_history', resourceId: id, action: 'read' },
        tx,
      );
      return {
        analysisId: id,
        version: row.version,
        // Recomputes the analysis's chain from the stored rows.
        ...(verify ? { chain: this.sealer.storedResetChain(rows) } : {}),
        // Auditors see codes, not the free texts (notes and reasons can name people).
        items: rows.map((h) =>
          readerView(ctx, row.office_id, 'reset_history_item', toResetHistoryDto(h)),
        ),
      };
    });
  }

  private async readable(tx: OfficeTx, id: string): Promise<AnalysisRow> {
    const row = await this.reset.findById(tx, id);
    if (!row) throw new AppError('not_found', 'No such analysis.');
    return row;
  }
}

function storedBusiness(b: BusinessDto): StoredBusiness {
  return {
    description: b.description,
    sector: b.sector,
    wzCode: b.wzCode ?? null,
    legalForm: b.legalForm,
    startedOn: b.startedOn,
    mainOccupation: b.mainOccupation,
    hoursPerWeek: b.hoursPerWeek,
    clientCount: b.clientCount,
    largestClientShare: b.largestClientShare,
    premises: b.premises,
    vatSmallBusiness: b.vatSmallBusiness,
    benefitsSinceOn: b.benefitsSinceOn,
  };
}

function householdColumns(h: HouseholdDto): HouseholdColumns {
  return {
    // Plain objects in a fixed key order (the DTO instances carry class metadata).
    members: h.members.map((m) => ({
      role: m.role,
      ...(m.birthYear !== undefined ? { birthYear: m.birthYear } : {}),
      standardRateLevel: m.standardRateLevel,
    })),
    extraNeedsMonthlyCents: toCents(h.extraNeedsMonthly),
    housingCostsMonthlyCents: toCents(h.housingCostsMonthly),
    otherIncomeMonthlyCents: toCents(h.otherIncomeMonthly),
  };
}
