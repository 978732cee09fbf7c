import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError, FieldError } from '../common/errors/app-error';
import { assertIfMatch, IfMatch } from '../common/http/if-match';
import { isCalendarDate } from '../common/time/calendar-date';
import { OfficeDb } from '../database/office-transaction';
import type { EksPeriodListDto, RecordedEksPeriodDto } from './dto/eks-period.dto';
import type { EksMonthDto, PutPeriodDto } from './dto/period.dto';
import { toCents } from './dto/euro';
import { EksPeriod, validateEksPeriod } from './indicators';
import { RatesUnavailableError, ruleSetFor } from './rules';
import { assertOpen } from './open-analysis';
import { toPeriodDto } from './reset.mapper';
import { ResetPeriodsRepository } from './reset-periods.repository';
import { ResetRepository } from './reset.repository';
import type { PeriodVersion } from './reset.row';
import { assertNotErased } from '../privacy/erased';

/** A period as recorded, with the version of the analysis it belongs to (its ETag after the PUT). */
export type PeriodDto = RecordedEksPeriodDto;

/**
 * EKS periods of an analysis. Each PUT that changes something adds a version (the filed figures
 * are never edited, so a provisional declaration stays visible next to the final one); the
 * latest version per period start is the one that counts. Each use case runs in one transaction
 * scoped to the offices where the caller holds reset.write (PUT) or reset.read (list).
 */
@Injectable()
export class ResetPeriodsService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(ResetPeriodsRepository) private readonly periodsRepo: ResetPeriodsRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  /**
   * `created` is true for the first version of a period (201); a new version or no change is 200.
   * A period is part of the analysis (its indicators), so a new period version is a new version
   * of the analysis: If-Match names the analysis's ETag. An unchanged repeat changes nothing.
   */
  put(
    ctx: RequestContext,
    analysisId: string,
    periodStart: string,
    dto: PutPeriodDto,
    ifMatch: IfMatch | null = null,
  ): Promise<{ created: boolean; period: PeriodDto }> {
    const period = checkedPeriod(periodStart, dto);
    return this.officeDb.run(officesFor(ctx.actor, 'reset.write'), async (tx) => {
      const row = await this.reset.lockForUpdate(tx, analysisId);
      if (!row) throw new AppError('not_found', 'No such analysis.');
      assertIfMatch(ifMatch, row.version, 'analysis');
      assertOpen(row);
      assertNotErased(await this.reset.founderErasure(tx, row.founder_id));
      const periods = await this.periodsRepo.periods(tx, analysisId, false);
      const latest = periods.find((p) => p.periodStart === periodStart);
      const overlapping = periods.find(
        (p) =>
          p.periodStart !== periodStart &&
          p.periodStart <= period.periodEnd &&
          p.periodEnd >= periodStart,
      );
      if (overlapping) {
        throw new AppError(
          'eks_period_overlap',
          `The period overlaps the period starting ${overlapping.periodStart}.`,
          {
            periodStart: overlapping.periodStart,
          },
        );
      }
      if (latest?.kind === 'final' && period.kind === 'provisional') {
        throw new AppError(
          'eks_period_final',
          'The final EKS of this period is recorded; only a corrected final one can replace it.',
        );
      }
      const log = { officeId: row.office_id, resourceType: 'reset_period', resourceId: analysisId };
      // A repeated PUT of the same figures is a no-op, as PUT should be.
      if (latest && canonical(latest) === canonical(period)) {
        this.accessLog.record(
          ctx,
          { ...log, action: 'read', details: { periodStart, version: latest.version } },
          tx,
        );
        return { created: false, period: { ...toPeriodDto(latest), analysisVersion: row.version } };
      }
      const version = (latest?.version ?? 0) + 1;
      await this.periodsRepo.insertPeriodVersion(tx, {
        ...period,
        analysisId,
        version,
        createdBy: ctx.actor.id,
      });
      const analysisVersion = await this.reset.bumpVersion(tx, analysisId);
      this.accessLog.record(
        ctx,
        {
          ...log,
          action: latest ? 'update' : 'create',
          details: { periodStart, version, kind: period.kind },
        },
        tx,
      );
      const stored = (await this.periodsRepo.periods(tx, analysisId, false)).find(
        (p) => p.periodStart === periodStart,
      )!;
      return { created: !latest, period: { ...toPeriodDto(stored), analysisVersion } };
    });
  }

  list(ctx: RequestContext, analysisId: string, allVersions: boolean): Promise<EksPeriodListDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'reset.read'), async (tx) => {
      const row = await this.reset.findById(tx, analysisId);
      if (!row) throw new AppError('not_found', 'No such analysis.');
      const periods = await this.periodsRepo.periods(tx, analysisId, allVersions);
      this.accessLog.record(
        ctx,
        {
          officeId: row.office_id,
          resourceType: 'reset_period',
          resourceId: analysisId,
          action: 'list',
          details: { allVersions, count: periods.length },
        },
        tx,
      );
      return { analysisId, items: periods.map(toPeriodDto) };
    });
  }
}

const linesInCents = (lines: Record<string, number | string> | undefined) =>
  Object.fromEntries(Object.entries(lines ?? {}).map(([code, amount]) => [code, toCents(amount)]));

const monthInCents = (m: EksMonthDto) => ({
  month: m.month,
  receipts: linesInCents(m.receipts),
  expenses: linesInCents(m.expenses),
  deductions: linesInCents(m.deductions),
});

/**
 * The period in cents, or a 400 with every problem: the structural checks of the pure module
 * (months inside the period, no duplicates, known lines) plus consecutive months, and a 422 when
 * no SGB II rates are on record for its start (its indicators could not be computed).
 */
function checkedPeriod(periodStart: string, dto: PutPeriodDto): EksPeriod {
  if (!isCalendarDate(periodStart)) {
    throw new AppError(
      'validation_failed',
      'The path parameter periodStart must be a date written YYYY-MM-DD.',
      {
        errors: [
          { field: 'periodStart', message: 'periodStart must be a date written YYYY-MM-DD' },
        ],
      },
    );
  }
  const period: EksPeriod = {
    periodStart,
    periodEnd: dto.periodEnd,
    kind: dto.kind,
    finalDeclarationDueOn: dto.finalDeclarationDueOn ?? null,
    months: dto.months.map(monthInCents),
  };
  const errors: FieldError[] = validateEksPeriod(period);
  if (errors.length === 0 && !consecutive(period.months.map((m) => m.month))) {
    errors.push({ field: 'months', message: 'months must be consecutive calendar months' });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', 'The EKS period is not valid.', { errors });
  }
  try {
    ruleSetFor(periodStart);
  } catch (error) {
    if (!(error instanceof RatesUnavailableError)) throw error;
    throw new AppError('rates_unavailable', `No SGB II rates are on record for ${periodStart}.`);
  }
  return period;
}

function consecutive(months: string[]): boolean {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  const sorted = months.map(index).sort((a, b) => a - b);
  return sorted.every((n, i) => i === 0 || n === sorted[i - 1] + 1);
}

/** Content of a period independent of month and line order, to detect an unchanged PUT. */
function canonical(p: EksPeriod | PeriodVersion): string {
  const sortedLines = (lines: Record<string, number>) =>
    Object.entries(lines).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    p.periodEnd,
    p.kind,
    p.finalDeclarationDueOn,
    [...p.months]
      .sort((a, b) => a.month.localeCompare(b.month))
      .map((m) => [
        m.month,
        sortedLines(m.receipts),
        sortedLines(m.expenses),
        sortedLines(m.deductions),
      ]),
  ]);
}
