/**
 * The one entry point to the 4+1 phase model.
 *
 * Versioning: every case stores the machine version it follows next to its snapshot. When a new
 * machine version is added, old cases keep their recorded version and are restored with that
 * version's machine from `machinesByVersion`; a case moves to a new version only through an
 * explicit, tested upgrade that maps its state. An unknown version is refused, never guessed.
 * Stage gates are not versioned: they are checked at the moment of a move, against the rules in
 * force then, whatever version the case follows.
 */
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { caseMachineV1, CASE_MACHINE_VERSION, type CaseMachine } from './case-machine';
import type { CaseMachineContext } from './case-machine';
import type { CaseEvent } from './case-event';
import type { CaseFacts } from './case-facts';
import { unmetRequirements, type UnmetRequirement } from './requirements';
import {
  CASE_EVENT_TYPES,
  PHASES,
  type CaseEventType,
  type CaseStatus,
  type Phase,
} from './phase-model.types';

export const machinesByVersion: Readonly<Record<number, CaseMachine>> = {
  1: caseMachineV1,
};

/** Plain JSON, stored as is in a jsonb column together with the machine version. */
export type PersistedCaseState = { value: unknown; context: CaseMachineContext };

type CaseSnapshot = SnapshotFrom<CaseMachine>;

export class UnknownMachineVersionError extends Error {
  constructor(readonly machineVersion: number) {
    super(`Unknown case machine version ${machineVersion}`);
  }
}

/** A stored snapshot that the machine of its version cannot represent: a data defect, not a 4xx. */
export class InvalidCaseStateError extends Error {}

export type ApplyCaseEventResult =
  | {
      ok: true;
      state: PersistedCaseState;
      phase: Phase;
      status: CaseStatus;
      fromPhase: Phase;
      fromStatus: CaseStatus;
    }
  | { ok: false; code: 'transition_not_allowed'; allowedEvents: CaseEventType[] }
  | { ok: false; code: 'requirements_unmet'; unmet: UnmetRequirement[] }
  | { ok: false; code: 'unknown_machine_version' };

export interface AvailableEvent {
  type: CaseEventType;
  allowed: boolean;
  unmet: UnmetRequirement[];
}

// JSON round trip so the stored value never carries undefined keys or xstate internals.
const toPersisted = (snapshot: CaseSnapshot): PersistedCaseState =>
  JSON.parse(JSON.stringify({ value: snapshot.value, context: snapshot.context }));

function statusOf(snapshot: CaseSnapshot): CaseStatus {
  if (snapshot.matches('paused')) return 'paused';
  if (snapshot.matches('closed')) return 'closed';
  return 'active';
}

/**
 * Restores a snapshot and refuses anything that is not exactly what the machine would have
 * written: resolveState silently fills in initial child states, which would hide a corrupt row.
 */
export function restoreCaseSnapshot(machine: CaseMachine, state: PersistedCaseState): CaseSnapshot {
  const phase = state?.context?.phase;
  if (!PHASES.includes(phase)) {
    throw new InvalidCaseStateError(`Invalid phase in stored case state: ${String(phase)}`);
  }
  let snapshot: CaseSnapshot;
  try {
    snapshot = machine.resolveState({
      value: state.value as CaseSnapshot['value'],
      context: state.context,
    });
  } catch (error) {
    throw new InvalidCaseStateError(`Stored case state does not fit its machine: ${error}`);
  }
  const canonical = JSON.stringify(snapshot.value) === JSON.stringify(state.value);
  const consistent = !snapshot.matches('active') || snapshot.matches({ active: phase });
  if (!canonical || !consistent) {
    throw new InvalidCaseStateError(`Inconsistent stored case state: ${JSON.stringify(state)}`);
  }
  return snapshot;
}

const acceptedEvents = (snapshot: CaseSnapshot): CaseEventType[] =>
  CASE_EVENT_TYPES.filter((type) => snapshot.can({ type }));

export function initialCaseState(): {
  machineVersion: number;
  state: PersistedCaseState;
  phase: Phase;
  status: CaseStatus;
} {
  const [snapshot] = initialTransition(machinesByVersion[CASE_MACHINE_VERSION]);
  return {
    machineVersion: CASE_MACHINE_VERSION,
    state: toPersisted(snapshot),
    phase: snapshot.context.phase,
    status: statusOf(snapshot),
  };
}

/**
 * A system event, recorded in the case history when an accepted RE_SET analysis (re-)enters a
 * founder into the model at planning. No client may send it: parseCaseEvent does not know it, so
 * the HTTP event endpoint answers 400 for it, and only the RE_SET decision writes it.
 */
export const RESTART_EVENT = 'RESTART' as const;

/**
 * The snapshot of an active case in planning, as the v1 machine represents it: where a restart
 * with coaching puts a founder. Built with resolveState (no entry actions run), so the context is
 * given in full, and checked the same way a stored snapshot is.
 */
export function restartCaseState(): PersistedCaseState {
  const machine = machinesByVersion[CASE_MACHINE_VERSION];
  const snapshot = machine.resolveState({
    value: { active: 'planning' },
    context: { phase: 'planning' },
  });
  const state = toPersisted(snapshot);
  restoreCaseSnapshot(machine, state);
  return state;
}

/** Structural check first (not allowed from here: 409), then the stage gates (unmet: 422). */
export function applyCaseEvent(input: {
  machineVersion: number;
  state: PersistedCaseState;
  event: CaseEvent;
  facts: CaseFacts;
}): ApplyCaseEventResult {
  const machine = machinesByVersion[input.machineVersion];
  if (!machine) return { ok: false, code: 'unknown_machine_version' };
  const from = restoreCaseSnapshot(machine, input.state);
  const event = { type: input.event.type };
  if (!from.can(event)) {
    return { ok: false, code: 'transition_not_allowed', allowedEvents: acceptedEvents(from) };
  }
  const unmet = unmetRequirements(event.type, input.facts);
  if (unmet.length > 0) return { ok: false, code: 'requirements_unmet', unmet };
  const [next] = transition(machine, from, event);
  return {
    ok: true,
    state: toPersisted(next),
    phase: next.context.phase,
    status: statusOf(next),
    fromPhase: from.context.phase,
    fromStatus: statusOf(from),
  };
}

/** Every event accepted structurally from the current state, with whether its gates hold now. */
export function availableEvents(input: {
  machineVersion: number;
  state: PersistedCaseState;
  facts: CaseFacts;
}): AvailableEvent[] {
  const machine = machinesByVersion[input.machineVersion];
  if (!machine) throw new UnknownMachineVersionError(input.machineVersion);
  return acceptedEvents(restoreCaseSnapshot(machine, input.state)).map((type) => {
    const unmet = unmetRequirements(type, input.facts);
    return { type, allowed: unmet.length === 0, unmet };
  });
}
