import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { roleIn } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { todayInBerlin } from '../common/time/calendar-date';
import { inTransaction } from '../database/transaction';
import { applyCaseEvent, CaseEvent, LEAD_ONLY_EVENTS, parseCaseEvent } from '../phase-model';
import { assertNotErased, writableOffices } from './case-access';
import { caseFacts } from './case-facts.mapper';
import { CaseDto, toCaseDto } from './case.mapper';
import { CasesRepository } from './cases.repository';
import { versionConflict } from './cases.service';

/**
 * The one write path for phase changes. In one transaction: lock the case row, check If-Match,
 * restore the snapshot with its machine version, ask the machine, check the stage gates, write the
 * new state with version + 1 and exactly one history row (and the Idempotency-Key answer).
 */
@Injectable()
export class CaseTransitionService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
  ) {}

  async apply(
    ctx: RequestContext,
    caseId: string,
    body: unknown,
    options: { ifMatch: number | null; idempotencyKey: string | null },
  ): Promise<CaseDto> {
    const parsed = parseCaseEvent(body);
    if (!parsed.ok) {
      throw new AppError('invalid_event', 'The event is unknown or its payload is not valid.', { errors: parsed.errors });
    }
    const event = parsed.event;
    const requestHash = IdempotencyStore.requestHash('case-event', caseId, body);
    return this.idempotency.once<CaseDto>(ctx.actor.id, options.idempotencyKey, requestHash, (remember, replayLocked) =>
      inTransaction(this.db, async (tx) => {
        const officeIds = writableOffices(ctx);
        const row = await this.cases.lockForUpdate(tx, caseId, officeIds);
        if (!row) throw new AppError('not_found', 'No such case.');
        const prior = options.idempotencyKey ? await replayLocked(tx) : null;
        if (prior) return prior;
        assertNotErased(row);
        if (LEAD_ONLY_EVENTS.includes(event.type) && roleIn(ctx.actor, row.office_id) !== 'lead') {
          throw new AppError('forbidden', `Only a lead of the office may send ${event.type}.`);
        }
        if (options.ifMatch !== null && options.ifMatch !== row.version) throw versionConflict(row.version);

        const result = applyCaseEvent({
          machineVersion: row.machine_version,
          state: row.state,
          event,
          facts: caseFacts(row, todayInBerlin()),
        });
        if (!result.ok) {
          if (result.code === 'transition_not_allowed') {
            throw new AppError('transition_not_allowed', `${event.type} is not possible while the case is ${row.status} in ${row.phase}.`, {
              allowedEvents: result.allowedEvents,
            });
          }
          if (result.code === 'requirements_unmet') {
            throw new AppError('requirements_unmet', `The stage gate for ${event.type} does not hold yet.`, { unmet: result.unmet });
          }
          throw new Error(`Case ${caseId} follows unknown machine version ${row.machine_version}`);
        }

        const version = row.version + 1;
        const updated = await this.cases.writeTransition(
          tx,
          {
            id: caseId,
            phase: result.phase,
            status: result.status,
            state: result.state,
            version,
            phaseChanged: result.phase !== result.fromPhase,
            ...(event.type === 'COMPLETE' ? { outcome: event.outcome, followUpOn: event.followUpOn } : {}),
            ...(event.type === 'REOPEN' ? { outcome: null } : {}),
          },
          {
            caseId,
            seq: version - 1,
            actorType: ctx.actor.kind,
            actorId: ctx.actor.id,
            event: event.type,
            fromPhase: result.fromPhase,
            toPhase: result.phase,
            fromStatus: result.fromStatus,
            toStatus: result.status,
            payload: historyPayload(event),
            machineVersion: row.machine_version,
            texts: historyTexts(event),
            daysInPhase: result.phase !== result.fromPhase ? wholeDaysSince(row.phase_entered_at) : null,
            prevHash: row.head_hash,
          },
        );
        await this.accessLog.record(ctx, { officeId: row.office_id, resourceType: 'case', resourceId: caseId, action: 'transition', details: { event: event.type } }, tx);
        // The founder's gate facts did not change; the case row comes back from the write.
        const answer = toCaseDto({ ...row, ...updated });
        await remember(tx, answer);
        return answer;
      }),
    );
  }
}

function wholeDaysSince(since: Date): number {
  return Math.max(0, Math.floor((Date.now() - since.getTime()) / 86_400_000));
}

/** Codes only: they go into the history row (and later its hash chain). */
function historyPayload(event: CaseEvent): Record<string, unknown> {
  switch (event.type) {
    case 'COMPLETE':
      return { outcome: event.outcome, followUpOn: event.followUpOn };
    case 'DROP_OUT':
      return { reasonCode: event.reasonCode };
    default:
      return {};
  }
}

/** Free texts: kept apart from the history row so that they can be erased. */
function historyTexts(event: CaseEvent): Record<string, string> | null {
  const texts: Record<string, string> = {};
  if ('reason' in event && event.reason) texts.reason = event.reason;
  if (event.note) texts.note = event.note;
  return Object.keys(texts).length ? texts : null;
}
