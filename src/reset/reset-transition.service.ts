import { Inject, Injectable } from '@nestjs/common';
import type { RequestContext } from '../auth/request-context';
import { assertNotErased } from '../privacy/erased';
import type { TransitionOptions } from '../common/http/transition-options';
import { ClientEventSpec, LockedStep, StateChange } from '../state-change/state-change';
import {
  ApplyResetEventResult,
  applyResetEvent,
  maySendResetEvent,
  parseResetEvent,
  ResetEvent,
} from './lifecycle';
import { ResetRestartService } from './reset-restart.service';
import { ResetView } from './reset-view';
import type { ResetHistoryPayload } from './dto/reset-analysis.dto';
import type { ResetAnalysisDto } from './reset.mapper';
import { ResetPeriodsRepository } from './reset-periods.repository';
import { ResetRepository } from './reset.repository';
import type { AnalysisRow } from './reset.row';

type Accepted = Extract<ApplyResetEventResult, { ok: true }>;

/**
 * The RE_SET lifecycle's steps of the one state-change skeleton (src/state-change), which locks
 * the analysis, checks the role (before the payload), If-Match and the payload, and stores the
 * Idempotency-Key answer. Its own: the period gate, the restart of an accepted
 * restart_with_coaching (which moves the case through the case's core, and needs a lead when it
 * reopens a closed case), and the write of the new snapshot with version + 1 and exactly one
 * history row (its seq follows the chain, not the version).
 */
@Injectable()
export class ResetTransitionService {
  private readonly clientEvents: ClientEventSpec<
    AnalysisRow,
    ResetEvent,
    ResetEvent,
    Accepted,
    void,
    ResetAnalysisDto
  >;

  constructor(
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(ResetPeriodsRepository) private readonly periodsRepo: ResetPeriodsRepository,
    @Inject(ResetView) private readonly view: ResetView,
    @Inject(ResetRestartService) private readonly restarts: ResetRestartService,
    @Inject(StateChange) private readonly stateChange: StateChange,
  ) {
    this.clientEvents = {
      record: 'analysis',
      requestKind: 'reset-event',
      resourceType: 'reset_analysis',
      scope: 'reset.write',
      lock: (tx, id) => this.reset.lockForUpdate(tx, id),
      lockInBegin: {
        statements: (id, officeIds) => this.reset.lockStatements(id, officeIds),
        row: (rows) => this.reset.lockedFrom(rows),
      },
      mayAct: (role) =>
        maySendResetEvent(role)
          ? { ok: true }
          : { ok: false, detail: 'Only advisors and leads of the office may change an analysis.' },
      assertWritable: async (tx, row) =>
        assertNotErased(await this.reset.founderErasure(tx, row.founder_id)),
      version: (row) => row.version,
      parse: parseResetEvent,
      machine: async ({ tx, row, event }) =>
        applyResetEvent({
          machineVersion: row.machine_version,
          state: row.snapshot,
          event,
          facts: { periodCount: await this.periodsRepo.periodCount(tx, row.id) },
        }),
      refused: {
        notAllowed: (row, event) =>
          `${event.type} is not possible while the analysis is ${row.state}.`,
        unmet: (_row, event) => `${event.type} needs more first.`,
        defect: (row, code) => `Analysis ${row.id}: stored snapshot refused (${code})`,
      },
      write: (step, next) => this.write(step, next),
      logDetails: ({ event }) => ({ event: event.type }),
      answer: ({ ctx, tx, row }) => this.view.reload(ctx, tx, row.id),
    };
  }

  apply(
    ctx: RequestContext,
    analysisId: string,
    body: unknown,
    options: TransitionOptions,
  ): Promise<ResetAnalysisDto> {
    return this.stateChange.apply(this.clientEvents, ctx, analysisId, body, options);
  }

  private async write(
    { ctx, tx, row, event }: LockedStep<AnalysisRow, ResetEvent>,
    result: Accepted,
  ): Promise<void> {
    const restart =
      event.type === 'DECIDE' &&
      event.accepted &&
      result.state.context.recommendation?.recommendation === 'restart_with_coaching'
        ? await this.restarts.restart(ctx, tx, row)
        : null;
    await this.reset.writeTransition(
      tx,
      {
        id: row.id,
        state: result.state,
        version: row.version + 1,
        ...(event.type === 'ASSESS' ? { assessment: result.state.context.assessment! } : {}),
        ...(restart ? { caseId: restart.caseId } : {}),
      },
      {
        analysisId: row.id,
        actorType: ctx.actor.kind,
        actorId: ctx.actor.id,
        event: event.type,
        fromState: result.fromState,
        toState: result.toState,
        payload: { ...historyPayload(event), ...(restart ?? {}) },
        machineVersion: row.machine_version,
        texts: historyTexts(event),
      },
    );
  }
}

/** Codes only: the assessment and recommendation themselves stay in the analysis row. */
function historyPayload(event: ResetEvent): ResetHistoryPayload {
  switch (event.type) {
    case 'RECOMMEND':
      return { recommendation: event.recommendation, measureCount: event.measures.length };
    case 'DECIDE':
      return { accepted: event.accepted };
    default:
      return {};
  }
}

/** Free texts: kept apart from the history row so that they can be erased. */
function historyTexts(event: ResetEvent): Record<string, string> | null {
  if (event.type === 'DECIDE' && event.note) return { note: event.note };
  if (event.type === 'CANCEL') return { reason: event.reason };
  return null;
}
