import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import type { RequestContext } from '../auth/request-context';
import { CasesRepository, HistoryInsert } from '../cases/cases.repository';
import { AppError } from '../common/errors/app-error';
import { CASE_MACHINE_VERSION, RESTART_EVENT, restartCaseState } from '../phase-model';
import { ResetRepository } from './reset.repository';
import type { AnalysisRow } from './reset.row';

/**
 * An accepted restart_with_coaching puts the founder into the phase model at planning, with
 * coaching and a link to the analysis, inside the DECIDE's transaction: their most recent closed
 * case is reopened, or a new case opened. A founder with an active or paused case is refused,
 * so no second open case can appear next to the one an advisor is working on.
 */
@Injectable()
export class ResetRestartService {
  constructor(
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async restart(
    ctx: RequestContext,
    tx: EntityManager,
    analysis: AnalysisRow,
    officeIds: string[],
  ): Promise<{ caseId: string; caseAction: 'created' | 'reopened' }> {
    const founderCases = await this.reset.founderCasesForUpdate(tx, analysis.founder_id, officeIds);
    const open = founderCases.find((c) => c.status !== 'closed');
    if (open) {
      throw new AppError(
        'founder_has_open_case',
        'The founder has an active or paused case; close it or move it on there.',
        {
          caseId: open.id,
        },
      );
    }
    const state = restartCaseState();
    const entry = {
      actorType: ctx.actor.kind,
      actorId: ctx.actor.id,
      event: RESTART_EVENT,
      toPhase: 'planning',
      toStatus: 'active',
      payload: { resetAnalysisId: analysis.id },
      machineVersion: CASE_MACHINE_VERSION,
      texts: null,
    } satisfies Partial<HistoryInsert>;
    // A closed case on an older machine version cannot take a snapshot of the current one
    // without an upgrade path; such a founder gets a new case instead.
    const latest = founderCases[0];
    const reopen = latest?.machine_version === CASE_MACHINE_VERSION ? latest : null;
    const row = reopen ? await this.cases.lockForUpdate(tx, reopen.id, officeIds) : null;

    let caseId: string;
    if (row) {
      caseId = row.id;
      const version = row.version + 1;
      await this.cases.writeTransition(
        tx,
        {
          id: caseId,
          phase: 'planning',
          status: 'active',
          state,
          version,
          phaseChanged: true,
          outcome: null,
        },
        { ...entry, caseId, seq: version - 1, fromPhase: row.phase, fromStatus: row.status },
      );
    } else {
      // A new case starts from what the analysis knows of the business, so nothing is typed twice.
      const b = analysis.business;
      caseId = await this.cases.insert(
        tx,
        {
          officeId: analysis.office_id,
          founderId: analysis.founder_id,
          createdBy: ctx.actor.id,
          phase: 'planning',
          status: 'active',
          machineVersion: CASE_MACHINE_VERSION,
          state,
          coaching: true,
        },
        {
          businessIdea: b.description,
          sector: b.sector,
          legalForm: b.legalForm,
          mainOccupation: b.mainOccupation,
        },
      );
      // The case starts at version 1 with no history; its first row, RESTART, makes it 2.
      await this.cases.writeTransition(
        tx,
        { id: caseId, phase: 'planning', status: 'active', state, version: 2, phaseChanged: false },
        { ...entry, caseId, seq: 1, fromPhase: null, fromStatus: null },
      );
    }
    await this.cases.linkResetAnalysis(tx, caseId, analysis.id);
    await this.accessLog.record(
      ctx,
      {
        officeId: analysis.office_id,
        resourceType: 'case',
        resourceId: caseId,
        action: row ? 'transition' : 'create',
        details: { event: RESTART_EVENT, resetAnalysisId: analysis.id },
      },
      tx,
    );
    return { caseId, caseAction: row ? 'reopened' : 'created' };
  }
}
