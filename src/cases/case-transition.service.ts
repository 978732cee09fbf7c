import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { roleIn } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { assertIfMatch } from '../common/http/if-match';
import type { TransitionOptions } from '../common/http/transition-options';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { todayInBerlin } from '../common/time/calendar-date';
import { inTransaction } from '../database/transaction';
import {
  applyCaseEvent,
  CASE_EVENT_TYPES,
  CaseActorRole,
  CaseEvent,
  CaseEventType,
  maySendCaseEvent,
  parseCaseEvent,
  RESTART_EVENT,
  RestartEvent,
} from '../phase-model';
import { assertNotErased, writableOffices } from './case-access';
import { caseFacts } from './case-facts.mapper';
import { toCaseDto } from './case.mapper';
import type { CaseDto } from './dto/case-response.dto';
import type { CaseGateRow } from './case.row';
import { CasesRepository, LockedCase } from './cases.repository';

/**
 * The one write path for phase changes. A client event (apply) and the RE_SET restart
 * (applyLocked, inside the DECIDE's transaction) both end in applyLocked: restore the snapshot
 * with its machine version, ask the machine, check the stage gates, write the new state with
 * version + 1 and exactly one history row sealed into the chain, and log the access.
 */
@Injectable()
export class CaseTransitionService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
  ) {}

  /**
   * `POST /cases/:id/events`. In one transaction: lock the case row, replay an Idempotency-Key,
   * check the role (before the payload: an advisor's REOPEN is 403 whatever it carries), check
   * If-Match, parse the payload, then the shared core.
   */
  async apply(
    ctx: RequestContext,
    caseId: string,
    body: unknown,
    options: TransitionOptions,
  ): Promise<CaseDto> {
    const requestHash = IdempotencyStore.requestHash('case-event', caseId, body);
    return this.idempotency.once<CaseDto>(
      ctx.actor.id,
      options.idempotencyKey,
      requestHash,
      (remember, replayLocked) =>
        inTransaction(this.db, async (tx) => {
          const row = await this.cases.lockForUpdate(tx, caseId, writableOffices(ctx));
          if (!row) throw new AppError('not_found', 'No such case.');
          const prior = options.idempotencyKey ? await replayLocked(tx) : null;
          if (prior) return prior;
          const role = roleIn(ctx.actor, row.office_id);
          assertMaySend(role, body);
          assertNotErased(row);
          assertIfMatch(options.ifMatch, row.version, 'case');
          const parsed = parseCaseEvent(body);
          if (!parsed.ok) {
            throw new AppError(
              'invalid_event',
              'The event is unknown or its payload is not valid.',
              { errors: parsed.errors },
            );
          }
          const updated = await this.applyLocked(ctx, tx, row, parsed.event);
          const answer = toCaseDto(updated, role);
          await remember(tx, answer);
          return answer;
        }),
    );
  }

  /**
   * The core every case event goes through, client or system. The caller holds the row lock
   * (lockForUpdate in `tx`) and has checked who may send the event. Returns the updated row.
   */
  async applyLocked(
    ctx: RequestContext,
    tx: EntityManager,
    row: LockedCase,
    event: CaseEvent | RestartEvent,
  ): Promise<CaseGateRow> {
    const result = applyCaseEvent({
      machineVersion: row.machine_version,
      state: row.state,
      event,
      facts: caseFacts(row, todayInBerlin()),
    });
    if (!result.ok) {
      if (result.code === 'transition_not_allowed') {
        throw new AppError(
          'transition_not_allowed',
          `${event.type} is not possible while the case is ${row.status} in ${row.phase}.`,
          {
            allowedEvents: result.allowedEvents,
          },
        );
      }
      if (result.code === 'requirements_unmet') {
        throw new AppError(
          'requirements_unmet',
          `The stage gate for ${event.type} does not hold yet.`,
          { unmet: result.unmet },
        );
      }
      throw new Error(`Case ${row.id} follows unknown machine version ${row.machine_version}`);
    }

    const reopens = event.type === 'REOPEN' || event.type === RESTART_EVENT;
    const updated = await this.cases.writeTransition(
      tx,
      {
        id: row.id,
        phase: result.phase,
        status: result.status,
        state: result.state,
        version: row.version + 1,
        phaseChanged: result.phase !== result.fromPhase,
        ...(event.type === 'COMPLETE'
          ? { outcome: event.outcome, followUpOn: event.followUpOn }
          : {}),
        ...(reopens ? { outcome: null } : {}),
      },
      {
        caseId: row.id,
        // The chain's own sequence: data changes bump the version without adding a row.
        seq: row.head_seq + 1,
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
        daysInPhase:
          result.phase !== result.fromPhase ? wholeDaysSince(row.phase_entered_at) : null,
        prevHash: row.head_hash,
        officeCode: row.office_code,
      },
    );
    await this.accessLog.record(
      ctx,
      {
        officeId: row.office_id,
        resourceType: 'case',
        resourceId: row.id,
        action: 'transition',
        details: {
          event: event.type,
          ...(event.type === RESTART_EVENT ? historyPayload(event) : {}),
        },
      },
      tx,
    );
    // The founder's gate facts did not change; the case row comes back from the write.
    return { ...row, ...updated };
  }
}

/** 403 before the payload is looked at: the event type alone decides who may send it. */
function assertMaySend(role: CaseActorRole | null, body: unknown): void {
  if (role !== 'advisor' && role !== 'lead') {
    throw new AppError('forbidden', 'Only advisors and leads of the office may change a case.');
  }
  const type = (body as { type?: unknown } | null)?.type;
  const known = (CASE_EVENT_TYPES as readonly unknown[]).includes(type);
  if (known && !maySendCaseEvent(role, type as CaseEventType)) {
    throw new AppError('forbidden', `Only a lead of the office may send ${String(type)}.`);
  }
}

function wholeDaysSince(since: Date): number {
  return Math.max(0, Math.floor((Date.now() - since.getTime()) / 86_400_000));
}

/** Codes only: they go into the history row (and later its hash chain). */
function historyPayload(event: CaseEvent | RestartEvent): Record<string, unknown> {
  switch (event.type) {
    case 'COMPLETE':
      return { outcome: event.outcome, followUpOn: event.followUpOn };
    case 'DROP_OUT':
      return { reasonCode: event.reasonCode };
    case RESTART_EVENT:
      return { resetAnalysisId: event.resetAnalysisId };
    default:
      return {};
  }
}

/** Free texts: kept apart from the history row so that they can be erased. */
function historyTexts(event: CaseEvent | RestartEvent): Record<string, string> | null {
  if (event.type === RESTART_EVENT) return null;
  const texts: Record<string, string> = {};
  if ('reason' in event && event.reason) texts.reason = event.reason;
  if (event.note) texts.note = event.note;
  return Object.keys(texts).length ? texts : null;
}
