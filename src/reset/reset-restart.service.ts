import { Inject, Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import { AccessLogService } from '../access-log/access-log.service';
import { holdsIn } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { CaseTransitionService } from '../cases/case-transition.service';
import { CasesRepository } from '../cases/cases.repository';
import { AppError } from '../common/errors/app-error';
import {
  CASE_MACHINE_VERSION,
  initialCaseState,
  RESTART_EVENT,
  type RestartEvent,
} from '../phase-model';
import type { RestartCaseAction } from './dto/reset-analysis.dto';
import { ResetRepository } from './reset.repository';
import type { AnalysisRow } from './reset.row';

type FounderCase = { id: string; status: string; machine_version: number };

/** What an accepted restart_with_coaching does with the founder's cases (most recent first). */
export type RestartPlan =
  { kind: 'refused'; openCaseId: string } | { kind: 'reopen'; caseId: string } | { kind: 'create' };

export function planRestart(founderCases: FounderCase[]): RestartPlan {
  const open = founderCases.find((c) => c.status !== 'closed');
  if (open) return { kind: 'refused', openCaseId: open.id };
  // A closed case on an older machine version cannot take the current machine's RESTART
  // without an upgrade path; such a founder gets a new case instead.
  const latest = founderCases[0];
  return latest?.machine_version === CASE_MACHINE_VERSION
    ? { kind: 'reopen', caseId: latest.id }
    : { kind: 'create' };
}

/**
 * An accepted restart_with_coaching puts the founder into the phase model at planning, with
 * coaching and a link to the analysis, inside the DECIDE's transaction: their most recent closed
 * case is reopened, or a new case opened. A founder with an active or paused case is refused,
 * so no second open case can appear next to the one an advisor is working on.
 *
 * The case moves by the phase model's RESTART event, through the same state-change core as every
 * other case event (CaseTransitionService.restartLocked, StateChange.applyLocked). A new case is
 * created at the machine's initial state (access) and moved from there, so its RESTART row reads
 * access → planning.
 *
 * Reopening a closed case is a reopening, as REOPEN is: only a lead of the office may cause it
 * (403); a DECIDE that opens a new case may come from any advisor.
 */
@Injectable()
export class ResetRestartService {
  constructor(
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(CaseTransitionService) private readonly transitions: CaseTransitionService,
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async restart(
    ctx: RequestContext,
    tx: OfficeTx,
    analysis: AnalysisRow,
  ): Promise<{ caseId: string; caseAction: RestartCaseAction }> {
    const plan = planRestart(await this.reset.founderCases(tx, analysis.founder_id, 'for_update'));
    if (plan.kind === 'refused') {
      throw new AppError(
        'founder_has_open_case',
        'The founder has an active or paused case; close it or move it on there.',
        {
          caseId: plan.openCaseId,
        },
      );
    }
    if (plan.kind === 'reopen' && !holdsIn(ctx.actor, 'reset.reopen_case', analysis.office_id)) {
      throw new AppError(
        'forbidden',
        'Accepting this restart reopens the founder\u2019s closed case: only a lead of the office may do that.',
        {
          caseId: plan.caseId,
        },
      );
    }
    const caseId = plan.kind === 'reopen' ? plan.caseId : await this.openCase(ctx, tx, analysis);
    const row = await this.cases.lockForUpdate(tx, caseId);
    if (!row) throw new Error(`case ${caseId} of the restart vanished inside its own transaction`);
    const event: RestartEvent = { type: RESTART_EVENT, resetAnalysisId: analysis.id };
    await this.transitions.restartLocked({ ctx, tx, row, event });
    await this.cases.linkResetAnalysis(tx, caseId, analysis.id);
    return { caseId, caseAction: plan.kind === 'reopen' ? 'reopened' : 'created' };
  }

  /** A new case at the machine's initial state, from what the analysis knows of the business. */
  private async openCase(
    ctx: RequestContext,
    tx: OfficeTx,
    analysis: AnalysisRow,
  ): Promise<string> {
    const b = analysis.business;
    const caseId = await this.cases.insert(
      tx,
      {
        officeId: analysis.office_id,
        founderId: analysis.founder_id,
        createdBy: ctx.actor.id,
        ...initialCaseState(),
        coaching: true,
      },
      {
        businessIdea: b.description,
        sector: b.sector,
        legalForm: b.legalForm,
        mainOccupation: b.mainOccupation,
      },
    );
    this.accessLog.record(
      ctx,
      {
        officeId: analysis.office_id,
        resourceType: 'case',
        resourceId: caseId,
        action: 'create',
        details: { resetAnalysisId: analysis.id },
      },
      tx,
    );
    return caseId;
  }
}
