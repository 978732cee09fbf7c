import { Inject, Injectable } from '@nestjs/common';
import { roleHolds } from '../auth/office-scope';
import type { Role } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import type { TransitionOptions } from '../common/http/transition-options';
import { todayInBerlin } from '../common/time/calendar-date';
import {
  applyCaseEvent,
  ApplyCaseEventResult,
  CASE_EVENT_TYPES,
  CaseEvent,
  maySendCaseEvent,
  parseCaseEvent,
  RESTART_EVENT,
  RestartEvent,
} from '../phase-model';
import {
  ClientEventSpec,
  LockedStep,
  Permission,
  StateChange,
  TransitionSpec,
} from '../state-change/state-change';
import { assertNotErased } from '../privacy/erased';
import { caseFacts } from './case-facts.mapper';
import { toCaseDto } from './case.mapper';
import type { CaseDto } from './dto/case-response.dto';
import type { CaseGateRow } from './case.row';
import { CasesRepository, HistoryInsert, LockedCase, TransitionWrite } from './cases.repository';

type AnyCaseEvent = CaseEvent | RestartEvent;
type Accepted = Extract<ApplyCaseEventResult, { ok: true }>;

/**
 * The case's steps of the one state-change skeleton (src/state-change). A client event (apply)
 * and the RE_SET restart (restartLocked, inside the DECIDE's transaction) both run the same core:
 * restore the snapshot with its machine version, ask the machine, check the stage gates, write
 * the new state with version + 1 and exactly one history row sealed into the chain, log the
 * access.
 */
@Injectable()
export class CaseTransitionService {
  private readonly core: TransitionSpec<LockedCase, AnyCaseEvent, Accepted, CaseGateRow>;
  private readonly clientEvents: ClientEventSpec<
    LockedCase,
    AnyCaseEvent,
    CaseEvent,
    Accepted,
    CaseGateRow,
    CaseDto
  >;

  constructor(
    @Inject(CasesRepository) private readonly cases: CasesRepository,
    @Inject(StateChange) private readonly stateChange: StateChange,
  ) {
    this.core = {
      resourceType: 'case',
      machine: ({ row, event }) =>
        applyCaseEvent({
          machineVersion: row.machine_version,
          state: row.state,
          event,
          facts: caseFacts(row, todayInBerlin()),
        }),
      refused: {
        notAllowed: (row, event) =>
          `${event.type} is not possible while the case is ${row.status} in ${row.phase}.`,
        unmet: (_row, event) => `The stage gate for ${event.type} does not hold yet.`,
        defect: (row) => `Case ${row.id} follows unknown machine version ${row.machine_version}`,
      },
      write: async (step, next) => {
        const [c, h] = this.transitionWrite(step, next);
        // The founder's gate facts did not change; the case row comes back from the write.
        return { ...step.row, ...(await this.cases.writeTransition(step.tx, c, h)) };
      },
      stage: (step, next) => {
        const [c, h] = this.transitionWrite(step, next);
        return {
          statement: this.cases.transitionStatement(c, h),
          written: writtenRow(step.row, c),
        };
      },
      logDetails: ({ event }) => ({
        event: event.type,
        ...(event.type === RESTART_EVENT ? historyPayload(event) : {}),
      }),
    };
    this.clientEvents = {
      ...this.core,
      record: 'case',
      requestKind: 'case-event',
      scope: 'case.write',
      lock: (tx, id) => this.cases.lockForUpdate(tx, id),
      lockInBegin: {
        statements: (id, officeIds) => this.cases.lockStatements(id, officeIds),
        row: (rows) => this.cases.lockedFrom(rows),
      },
      mayAct: maySend,
      assertWritable: (_tx, row) => assertNotErased(row),
      version: (row) => row.version,
      parse: parseCaseEvent,
      answer: ({ role }, updated) => toCaseDto(updated, role),
    };
  }

  /** `POST /cases/:id/events`. */
  apply(
    ctx: RequestContext,
    caseId: string,
    body: unknown,
    options: TransitionOptions,
  ): Promise<CaseDto> {
    return this.stateChange.apply(this.clientEvents, ctx, caseId, body, options);
  }

  /**
   * The RE_SET restart's RESTART of a case. The caller holds the case's row lock (lockForUpdate
   * in `step.tx`) and has checked who may cause it. Returns the updated row.
   */
  restartLocked(step: LockedStep<LockedCase, RestartEvent>): Promise<CaseGateRow> {
    return this.stateChange.applyLocked(this.core, step);
  }

  /** The new case row and its history row of an accepted event. */
  private transitionWrite(
    { ctx, row, event }: LockedStep<LockedCase, AnyCaseEvent>,
    result: Accepted,
  ): [TransitionWrite, HistoryInsert] {
    const reopens = event.type === 'REOPEN' || event.type === RESTART_EVENT;
    return [
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
        // Read once: the stored exit day and the answer's must be the same across midnight.
        exitDay: todayInBerlin(),
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
    ];
  }
}

/**
 * The case row as writeTransition's statement will leave it, column by column as its SET says:
 * the row is locked and was read under the lock, and now() is the transaction's time (tx_now).
 */
function writtenRow(row: LockedCase, c: TransitionWrite): CaseGateRow {
  return {
    ...row,
    phase: c.phase as CaseGateRow['phase'],
    status: c.status as CaseGateRow['status'],
    state: c.state,
    version: c.version,
    updated_at: row.tx_now,
    phase_entered_at: c.phaseChanged ? row.tx_now : row.phase_entered_at,
    outcome: c.outcome !== undefined ? (c.outcome as CaseGateRow['outcome']) : row.outcome,
    follow_up_on: c.followUpOn ?? row.follow_up_on,
    exited_on: c.status !== 'closed' ? null : row.status === c.status ? row.exited_on : c.exitDay!,
  };
}

/** 403 before the payload is looked at: the event type alone decides who may send it. */
function maySend(role: Role | null, body: unknown): Permission {
  if (!roleHolds(role, 'case.write')) {
    return { ok: false, detail: 'Only advisors and leads of the office may change a case.' };
  }
  const sent = typeof body === 'object' && body !== null && 'type' in body ? body.type : undefined;
  const known = CASE_EVENT_TYPES.find((type) => type === sent);
  // The phase model names the lead-only events; the policy names who holds case.lead_event.
  const leadOnly = known !== undefined && !maySendCaseEvent('advisor', known);
  if (leadOnly && !roleHolds(role, 'case.lead_event')) {
    return { ok: false, detail: `Only a lead of the office may send ${known}.` };
  }
  return { ok: true };
}

function wholeDaysSince(since: Date): number {
  return Math.max(0, Math.floor((Date.now() - since.getTime()) / 86_400_000));
}

/** Codes only: they go into the history row (and later its hash chain). */
function historyPayload(event: AnyCaseEvent): Record<string, unknown> {
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
function historyTexts(event: AnyCaseEvent): Record<string, string> | null {
  if (event.type === RESTART_EVENT) return null;
  const texts: Record<string, string> = {};
  if ('reason' in event && event.reason) texts.reason = event.reason;
  if (event.note) texts.note = event.note;
  return Object.keys(texts).length ? texts : null;
}
