import { Inject, Injectable } from '@nestjs/common';
import { roleIn } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { readerView } from '../privacy/reader-view';
import { todayInBerlin } from '../common/time/calendar-date';
import type { OfficeTx } from '../database/office-transaction';
import { ResetAnalysisDto, toAnalysisDto } from './reset.mapper';
import { ResetPeriodsRepository } from './reset-periods.repository';
import { ResetRepository } from './reset.repository';
import type { AnalysisRow } from './reset.row';
import { planRestart } from './reset-restart.service';

/**
 * Builds the full analysis answer (with periods, indicators and available events) for a row, in
 * the transaction of the use case that read or wrote it.
 */
@Injectable()
export class ResetView {
  constructor(
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(ResetPeriodsRepository) private readonly periodsRepo: ResetPeriodsRepository,
  ) {}

  async analysis(ctx: RequestContext, tx: OfficeTx, row: AnalysisRow): Promise<ResetAnalysisDto> {
    const periods = await this.periodsRepo.periods(tx, row.id, false);
    const role = roleIn(ctx.actor, row.office_id);
    const acceptReopensClosedCase = await this.acceptReopensClosedCase(row, tx);
    return readerView(
      ctx,
      row.office_id,
      'reset_analysis',
      toAnalysisDto(row, periods, { today: todayInBerlin(), role, acceptReopensClosedCase }),
    );
  }

  /** Whether an accepted DECIDE would reopen a closed case now (then only a lead may accept). */
  private async acceptReopensClosedCase(row: AnalysisRow, tx: OfficeTx): Promise<boolean> {
    if (
      row.state !== 'recommended' ||
      row.snapshot.context.recommendation?.recommendation !== 'restart_with_coaching'
    )
      return false;
    const cases = await this.reset.founderCases(tx, row.founder_id, 'none');
    return planRestart(cases).kind === 'reopen';
  }

  /** Re-reads the row (e.g. after a write in `tx`) and builds the answer. */
  async reload(ctx: RequestContext, tx: OfficeTx, id: string): Promise<ResetAnalysisDto> {
    const row = await this.reset.findById(tx, id);
    if (!row) throw new Error(`analysis ${id} vanished inside its own transaction`);
    return this.analysis(ctx, tx, row);
  }
}
