import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../auth/request-context';
import { readerView } from '../privacy/reader-view';
import { todayInBerlin } from '../common/time/calendar-date';
import { ResetAnalysisDto, toAnalysisDto } from './reset.mapper';
import { ResetPeriodsRepository } from './reset-periods.repository';
import { ResetRepository } from './reset.repository';
import type { AnalysisRow } from './reset.row';

/** Builds the full analysis answer (with periods, indicators and available events) for a row. */
@Injectable()
export class ResetView {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(ResetPeriodsRepository) private readonly periodsRepo: ResetPeriodsRepository,
  ) {}

  async analysis(
    ctx: RequestContext,
    row: AnalysisRow,
    tx: EntityManager = this.db.manager,
  ): Promise<ResetAnalysisDto> {
    const periods = await this.periodsRepo.periods(row.id, false, tx);
    return readerView(ctx, row.office_id, 'reset_analysis', toAnalysisDto(row, periods, { today: todayInBerlin() }));
  }

  /** Re-reads the row (e.g. after a write in `tx`) and builds the answer. */
  async reload(
    ctx: RequestContext,
    id: string,
    officeIds: string[],
    tx: EntityManager,
  ): Promise<ResetAnalysisDto> {
    const row = await this.reset.findById(id, officeIds, tx);
    if (!row) throw new Error(`analysis ${id} vanished inside its own transaction`);
    return this.analysis(ctx, row, tx);
  }
}
