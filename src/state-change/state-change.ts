import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor, type Permission as ScopePermission } from '../auth/office-scope';
import { Role, roleIn } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError, FieldError } from '../common/errors/app-error';
import { assertIfMatch } from '../common/http/if-match';
import type { TransitionOptions } from '../common/http/transition-options';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { OfficeDb, type OfficeTx } from '../database/office-transaction';
import { executeLater, type NamedStatement } from '../database/pg-driver';

/**
 * What a machine answers besides its own success: the refusals every machine shares. The
 * skeleton turns them into the same errors for every record, so a 409 of a case and of an
 * analysis carry the same extensions.
 */
export type MachineRefusal =
  | { ok: false; code: 'transition_not_allowed'; allowedEvents: readonly string[] }
  | { ok: false; code: 'requirements_unmet'; unmet: readonly object[] }
  | { ok: false; code: StoredStateDefect };

/** The stored snapshot cannot be restored: a defect of the data, not of the request (500). */
export type StoredStateDefect =
  'unknown_machine_version' | 'unsupported_machine_version' | 'invalid_state';

/** The transaction every step of a state change runs in: scoped to the offices it may write in. */
export type StateChangeTx = OfficeTx;

/** A record a state change works on: locked, and in one office. */
export interface LockedRecord {
  id: string;
  office_id: string;
}

/** One event on one locked record, inside the transaction that holds the lock. */
export interface LockedStep<Row, Event> {
  ctx: RequestContext;
  /** Scoped to the offices the caller may change records in (tx.officeIds): the row was locked there. */
  tx: StateChangeTx;
  row: Row;
  event: Event;
}

/**
 * The part of a state change that runs on an already locked record: ask the machine, write the
 * new state with its one sealed history row, log the access. A record's own events and a system
 * event (the RE_SET restart's RESTART of a case) both go through it.
 */
export interface TransitionSpec<
  Row extends LockedRecord,
  Event extends { type: string },
  Next extends { ok: true },
  Written,
> {
  /** The access log's resource type of the record. */
  resourceType: string;
  /** Restores the stored snapshot and asks the machine (and the stage gates); never throws. */
  machine(step: LockedStep<Row, Event>): Next | MachineRefusal | Promise<Next | MachineRefusal>;
  /** The details of the refusals, in the record's words. */
  refused: {
    notAllowed(row: Row, event: Event): string;
    unmet(row: Row, event: Event): string;
    defect(row: Row, code: StoredStateDefect): string;
  };
  /** Writes the new state with version + 1 and exactly one history row, sealed into the chain. */
  write(step: LockedStep<Row, Event>, next: Next): Promise<Written>;
  /**
   * The same write as one statement, not sent yet, and what it will have written: a client's
   * event sends it with the COMMIT (and the access-log entry and the stored answer), in one
   * round trip. Absent: `write` runs at once.
   */
  stage?(step: LockedStep<Row, Event>, next: Next): StagedWrite<Written>;
  /** What the access log keeps of the change: codes and ids, never personal data. */
  logDetails(step: LockedStep<Row, Event>, written: Written): Record<string, unknown>;
}

/** A write as a statement to send later, and the row it writes (known before it is sent). */
export interface StagedWrite<Written> {
  statement: NamedStatement;
  written: Written;
}

/**
 * A row lock as statements sent in the BEGIN's round trip (OfficeDb.run's `first`): the lock
 * (FOR UPDATE) first, then whatever is read under it; `row` reads the record from their rows.
 */
export interface RowLock<Row> {
  statements(id: string, officeIds: readonly string[]): readonly NamedStatement[];
  row(rows: readonly unknown[][]): Row | null;
}

/** Whether the caller's role may send this body; the detail of the 403 when not. */
export type Permission = { ok: true } | { ok: false; detail: string };

export type ParsedEvent<Event> = { ok: true; event: Event } | { ok: false; errors: FieldError[] };

/** A client's event on a record: the locked core plus everything before and after it. */
export interface ClientEventSpec<
  Row extends LockedRecord,
  Event extends { type: string },
  Sent extends Event,
  Next extends { ok: true },
  Written,
  Answer,
> extends TransitionSpec<Row, Event, Next, Written> {
  /** The record's noun in the 404 and the 412 ('No such case.'). */
  record: 'case' | 'analysis';
  /** Keeps an Idempotency-Key of one kind of request from replaying another kind. */
  requestKind: string;
  /** The permission (office-scope.ts) whose offices the transaction is scoped to. */
  scope: ScopePermission;
  /** Locks the row (FOR UPDATE) if it is in one of the transaction's offices; null otherwise. */
  lock(tx: StateChangeTx, id: string): Promise<Row | null>;
  /** The same lock without a round trip of its own: used instead of `lock` when given. */
  lockInBegin?: RowLock<Row>;
  /** Decided on the role and at most the event's type: the payload is not looked at yet. */
  mayAct(role: Role | null, body: unknown): Permission;
  /** Throws when nothing new may be written about the record (an erased founder). */
  assertWritable(tx: StateChangeTx, row: Row): void | Promise<void>;
  /** The version If-Match is compared with. */
  version(row: Row): number;
  parse(body: unknown): ParsedEvent<Sent>;
  /** The answer to the client, stored for Idempotency-Key retries. */
  answer(
    step: LockedStep<Row, Sent> & { role: Role | null },
    written: Written,
  ): Answer | Promise<Answer>;
}

/**
 * The one skeleton of every state change of a persisted machine (cases, RE_SET analyses). It owns
 * the order of the steps, so that "one write path per state change" holds by structure: a
 * feature supplies the steps' contents in a spec and cannot reorder or skip them.
 */
@Injectable()
export class StateChange {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(IdempotencyStore) private readonly idempotency: IdempotencyStore,
  ) {}

  /**
   * `POST /…/:id/events`. In one transaction: lock the row, replay an Idempotency-Key, check the
   * role (before the payload: an advisor's REOPEN is 403 whatever it carries), check that the
   * record takes entries, check If-Match, parse the payload, then the locked core, then the
   * answer, stored with the change.
   */
  apply<
    Row extends LockedRecord,
    Event extends { type: string },
    Sent extends Event,
    Next extends { ok: true },
    Written,
    Answer,
  >(
    spec: ClientEventSpec<Row, Event, Sent, Next, Written, Answer>,
    ctx: RequestContext,
    id: string,
    body: unknown,
    options: TransitionOptions,
  ): Promise<Answer> {
    const requestHash = IdempotencyStore.requestHash(spec.requestKind, id, body);
    const scope = officesFor(ctx.actor, spec.scope);
    const folded = spec.lockInBegin;
    // The stored answer is looked up under the lock: in the BEGIN's round trip, after the lock.
    const lookup =
      folded && options.idempotencyKey !== null
        ? IdempotencyStore.lookupStatement(ctx.actor.id, options.idempotencyKey)
        : null;
    const first = folded
      ? (officeIds: readonly string[]) => {
          const lock = folded.statements(id, officeIds);
          return lookup ? [...lock, lookup] : lock;
        }
      : undefined;
    return this.idempotency.once<Answer>(
      ctx.actor.id,
      options.idempotencyKey,
      requestHash,
      scope,
      (remember, replayLocked) =>
        this.officeDb.run(
          scope,
          async (tx, firstRows) => {
            const row = folded ? folded.row(firstRows) : await spec.lock(tx, id);
            if (!row) throw new AppError('not_found', `No such ${spec.record}.`);
            // Under the lock: a duplicate sent at the same moment answers what the first one did.
            const prior = lookup
              ? (IdempotencyStore.answerFrom(
                  firstRows[firstRows.length - 1],
                  requestHash,
                ) as Answer | null)
              : await replayLocked(tx);
            if (prior !== null) return prior;
            const role = roleIn(ctx.actor, row.office_id);
            const permission = spec.mayAct(role, body);
            if (!permission.ok) throw new AppError('forbidden', permission.detail);
            await spec.assertWritable(tx, row);
            assertIfMatch(options.ifMatch, spec.version(row), spec.record);
            const parsed = spec.parse(body);
            if (!parsed.ok) {
              throw new AppError(
                'invalid_event',
                'The event is unknown or its payload is not valid.',
                {
                  errors: parsed.errors,
                },
              );
            }
            const step: LockedStep<Row, Sent> = { ctx, tx, row, event: parsed.event };
            const written = await this.applyLocked(spec, step, { withCommit: true });
            const answer = await spec.answer({ ...step, role }, written);
            await remember(tx, row.office_id, answer);
            return answer;
          },
          'READ COMMITTED',
          first,
        ),
    );
  }

  /**
   * The core every event goes through, client or system: machine, write (+ seal), access log.
   * The caller holds the row lock in `step.tx` and has checked who may cause the event. With
   * `withCommit` (the last step of a client's event), a staged write waits for the COMMIT.
   */
  async applyLocked<
    Row extends LockedRecord,
    Event extends { type: string },
    Next extends { ok: true },
    Written,
  >(
    spec: TransitionSpec<Row, Event, Next, Written>,
    step: LockedStep<Row, Event>,
    { withCommit = false } = {},
  ): Promise<Written> {
    const verdict = await spec.machine(step);
    if (!verdict.ok) throw refusal(spec, step, verdict);
    let written: Written;
    if (withCommit && spec.stage) {
      // Sent with the COMMIT, before the access-log entry and the stored answer: a failure of
      // any of them commits none.
      const staged = spec.stage(step, verdict);
      step.tx.atCommit(await executeLater(step.tx.manager, staged.statement));
      written = staged.written;
    } else {
      written = await spec.write(step, verdict);
    }
    this.accessLog.record(
      step.ctx,
      {
        officeId: step.row.office_id,
        resourceType: spec.resourceType,
        resourceId: step.row.id,
        action: 'transition',
        details: spec.logDetails(step, written),
      },
      step.tx,
    );
    return written;
  }
}

function refusal<
  Row extends LockedRecord,
  Event extends { type: string },
  Next extends { ok: true },
  Written,
>(
  spec: TransitionSpec<Row, Event, Next, Written>,
  { row, event }: LockedStep<Row, Event>,
  refused: MachineRefusal,
): Error {
  switch (refused.code) {
    case 'transition_not_allowed':
      return new AppError('transition_not_allowed', spec.refused.notAllowed(row, event), {
        allowedEvents: refused.allowedEvents,
      });
    case 'requirements_unmet':
      return new AppError('requirements_unmet', spec.refused.unmet(row, event), {
        unmet: refused.unmet,
      });
    case 'unknown_machine_version':
    case 'unsupported_machine_version':
    case 'invalid_state':
      // Not an AppError: a snapshot the machine cannot restore is answered 500 and logged.
      return new Error(spec.refused.defect(row, refused.code));
  }
}
