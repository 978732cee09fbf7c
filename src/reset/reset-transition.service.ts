import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { roleIn } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { writableOffices } from '../cases/case-access';
import { AppError } from '../common/errors/app-error';
import { assertIfMatch } from '../common/http/if-match';
import type { TransitionOptions } from '../common/http/transition-options';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { inTransaction } from '../database/transaction';
import { applyResetEvent, maySendResetEvent, parseResetEvent, ResetEvent } from './lifecycle';
import { ResetRestartService } from './reset-restart.service';
import { ResetView } from './reset-view';
import type { ResetHistoryPayload } from './dto/reset-analysis.dto';
import type { ResetAnalysisDto } from './reset.mapper';
import { ResetPeriodsRepository } from './reset-periods.repository';
import { ResetRepository } from './reset.repository';
import { assertNotErased } from '../cases/case-access';

/**
 * The one write path of the RE_SET lifecycle, shaped like the case one. In one transaction: lock
 * the analysis, check the role (before the payload), check If-Match, parse, restore the snapshot,
 * ask the machine (and the period gate), run the restart of an accepted restart_with_coaching
 * (which moves the case through the case write path, and needs a lead when it reopens a closed
 * case), write the new snapshot with version + 1 and exactly one history row (its seq follows
 * the chain, not the version), and store the Idempotency-Key answer.
 */
@Injectable()
export class ResetTransitionService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(ResetRepository) private readonly reset: ResetRepository,
    @Inject(ResetPeriodsRepository) private readonly periodsRepo: ResetPeriodsRepository,
    @Inject(ResetView) private readonly view: ResetView,
    @Inject(ResetRestartService) private readonly restarts: ResetRestartService,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
  ) {}

  async apply(
    ctx: RequestContext,
    analysisId: string,
    body: unknown,
    options: TransitionOptions,
  ): Promise<ResetAnalysisDto> {
    const requestHash = IdempotencyStore.requestHash('reset-event', analysisId, body);
    return this.idempotency.once<ResetAnalysisDto>(
      ctx.actor.id,
      options.idempotencyKey,
      requestHash,
      (remember, replayLocked) =>
        inTransaction(this.db, async (tx) => {
          const officeIds = writableOffices(ctx);
          const row = await this.reset.lockForUpdate(tx, analysisId, officeIds);
          if (!row) throw new AppError('not_found', 'No such analysis.');
          const prior = options.idempotencyKey ? await replayLocked(tx) : null;
          if (prior) return prior;
          if (!maySendResetEvent(roleIn(ctx.actor, row.office_id))) {
            throw new AppError(
              'forbidden',
              'Only advisors and leads of the office may change an analysis.',
            );
          }
          assertNotErased(await this.reset.founderErasure(tx, row.founder_id));
          assertIfMatch(options.ifMatch, row.version, 'analysis');
          const parsed = parseResetEvent(body);
          if (!parsed.ok) {
            throw new AppError(
              'invalid_event',
              'The event is unknown or its payload is not valid.',
              {
                errors: parsed.errors,
              },
            );
          }
          const event = parsed.event;

          const result = applyResetEvent({
            machineVersion: row.machine_version,
            state: row.snapshot,
            event,
            facts: { periodCount: await this.periodsRepo.periodCount(tx, analysisId) },
          });
          if (!result.ok) {
            if (result.code === 'transition_not_allowed') {
              throw new AppError(
                'transition_not_allowed',
                `${event.type} is not possible while the analysis is ${row.state}.`,
                {
                  allowedEvents: result.allowedEvents,
                },
              );
            }
            if (result.code === 'requirements_unmet') {
              throw new AppError('requirements_unmet', `${event.type} needs more first.`, {
                unmet: result.unmet,
              });
            }
            throw new Error(`Analysis ${analysisId}: stored snapshot refused (${result.code})`);
          }

          const restart =
            event.type === 'DECIDE' &&
            event.accepted &&
            result.state.context.recommendation?.recommendation === 'restart_with_coaching'
              ? await this.restarts.restart(ctx, tx, row, officeIds)
              : null;

          const version = row.version + 1;
          await this.reset.writeTransition(
            tx,
            {
              id: analysisId,
              state: result.state,
              version,
              ...(event.type === 'ASSESS' ? { assessment: result.state.context.assessment! } : {}),
              ...(restart ? { caseId: restart.caseId } : {}),
            },
            {
              analysisId,
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
          await this.accessLog.record(
            ctx,
            {
              officeId: row.office_id,
              resourceType: 'reset_analysis',
              resourceId: analysisId,
              action: 'transition',
              details: { event: event.type },
            },
            tx,
          );
          const answer = await this.view.reload(ctx, analysisId, officeIds, tx);
          await remember(tx, answer);
          return answer;
        }),
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
