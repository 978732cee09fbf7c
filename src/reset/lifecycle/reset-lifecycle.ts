import { initialTransition, transition } from 'xstate';
import { RESET_EVENT_TYPES, ResetEvent, ResetEventType } from './reset-events';
import {
  RESET_MACHINE_VERSION,
  RESET_STATES,
  ResetContext,
  ResetStateValue,
  resetMachine,
} from './reset.machine';

/** The persisted form: plain JSON, stored next to the machine version. */
export interface ResetState {
  value: ResetStateValue;
  context: ResetContext;
}

export interface ResetFacts {
  periodCount: number;
  /**
   * An accepted DECIDE would reopen the founder's closed case (restart_with_coaching): a
   * reopening, which like the case event REOPEN only a lead may cause. Read for availableEvents.
   */
  acceptReopensClosedCase?: boolean;
}

/** The caller's role in the analysis's office (null: none). */
export type ResetActorRole = 'advisor' | 'lead' | 'auditor';

export interface ResetAvailableEvent {
  type: ResetEventType;
  /** This caller may send it now: permitted, and every requirement holds. */
  allowed: boolean;
  /** This caller's role may send it at all (advisors and leads; auditors nothing). */
  permitted: boolean;
  unmet: Unmet[];
  /** DECIDE only: whether this caller may send it with accepted: true (a reopening needs a lead). */
  mayAccept?: boolean;
}

/** Advisors and leads run the lifecycle; auditors only read. */
export const maySendResetEvent = (role: ResetActorRole | null): boolean =>
  role === 'advisor' || role === 'lead';

/** An accepted DECIDE that reopens a closed case is a reopening: leads only, as REOPEN. */
export const mayAcceptDecision = (
  role: ResetActorRole | null,
  reopensClosedCase: boolean,
): boolean => role === 'lead' || (role === 'advisor' && !reopensClosedCase);

export interface Unmet {
  code: 'period_recorded';
  message: string;
}

export type ApplyResetEventResult =
  | { ok: true; state: ResetState; fromState: ResetStateValue; toState: ResetStateValue }
  | { ok: false; code: 'transition_not_allowed'; allowedEvents: ResetEventType[] }
  | { ok: false; code: 'requirements_unmet'; unmet: Unmet[] }
  | { ok: false; code: 'unsupported_machine_version'; machineVersion: number }
  | { ok: false; code: 'invalid_state' };

export class ResetStateError extends Error {
  constructor(readonly code: 'unsupported_machine_version' | 'invalid_state') {
    super(code);
    this.name = 'ResetStateError';
  }
}

/** Stage-gate requirements per event, checked against facts the caller reads from the DB. */
export function unmetRequirements(type: ResetEventType, facts: ResetFacts): Unmet[] {
  if (type === 'START_ANALYSIS' && facts.periodCount < 1) {
    return [{ code: 'period_recorded', message: 'Record at least one EKS period first.' }];
  }
  return [];
}

export function initialResetState(): ResetState {
  const [snapshot] = initialTransition(resetMachine);
  return { value: snapshot.value, context: snapshot.context };
}

type Restored =
  | { ok: true; snapshot: ReturnType<typeof resetMachine.resolveState> }
  | { ok: false; code: 'unsupported_machine_version' | 'invalid_state' };

function restore(machineVersion: number, state: ResetState): Restored {
  if (machineVersion !== RESET_MACHINE_VERSION) {
    return { ok: false, code: 'unsupported_machine_version' };
  }
  if (!RESET_STATES.includes(state?.value) || typeof state.context !== 'object') {
    return { ok: false, code: 'invalid_state' };
  }
  // resolveState does not run entry actions, so restoring has no side effects.
  return { ok: true, snapshot: resetMachine.resolveState(state) };
}

// can() only needs the type to find a transition; no guard reads the payload.
const probe = (type: ResetEventType) => ({ type }) as ResetEvent;

function structurallyAllowed(snapshot: Extract<Restored, { ok: true }>['snapshot']) {
  return RESET_EVENT_TYPES.filter((type) => snapshot.can(probe(type)));
}

/** Applies a parsed event to a persisted state; never throws for a refused transition. */
export function applyResetEvent(input: {
  machineVersion: number;
  state: ResetState;
  event: ResetEvent;
  facts: ResetFacts;
}): ApplyResetEventResult {
  const restored = restore(input.machineVersion, input.state);
  if (!restored.ok) {
    return restored.code === 'invalid_state'
      ? { ok: false, code: 'invalid_state' }
      : { ok: false, code: restored.code, machineVersion: input.machineVersion };
  }
  const { snapshot } = restored;
  if (!snapshot.can(input.event)) {
    return {
      ok: false,
      code: 'transition_not_allowed',
      allowedEvents: structurallyAllowed(snapshot),
    };
  }
  const unmet = unmetRequirements(input.event.type, input.facts);
  if (unmet.length > 0) return { ok: false, code: 'requirements_unmet', unmet };
  const [next] = transition(resetMachine, snapshot, input.event);
  return {
    ok: true,
    state: { value: next.value, context: next.context },
    fromState: input.state.value,
    toState: next.value,
  };
}

/**
 * The events the lifecycle can take from the current state (no others are listed), each with
 * whether this caller's role may send it and the requirements that do not hold yet.
 * Throws ResetStateError for a snapshot of another machine version or an unknown state.
 */
export function resetAvailableEvents(input: {
  machineVersion: number;
  state: ResetState;
  facts: ResetFacts;
  role: ResetActorRole | null;
}): ResetAvailableEvent[] {
  const restored = restore(input.machineVersion, input.state);
  if (!restored.ok) throw new ResetStateError(restored.code);
  const permitted = maySendResetEvent(input.role);
  return structurallyAllowed(restored.snapshot).map((type) => {
    const unmet = unmetRequirements(type, input.facts);
    const event: ResetAvailableEvent = {
      type,
      allowed: permitted && unmet.length === 0,
      permitted,
      unmet,
    };
    if (type === 'DECIDE') {
      event.mayAccept = mayAcceptDecision(input.role, input.facts.acceptReopensClosedCase ?? false);
    }
    return event;
  });
}
