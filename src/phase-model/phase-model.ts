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
import {
  caseMachineV1,
  CASE_MACHINE_VERSION,
  RESTART_EVENT,
  type CaseMachine,
} from './case-machine';
import type { CaseMachineContext } from './case-machine';
import type { CaseEvent } from './case-event';
import type { CaseFacts } from './case-facts';
import { unmetRequirements, type UnmetRequirement } from './requirements';
import {
  CASE_EVENT_TYPES,
  LEAD_ONLY_EVENTS,
  PHASES,
  type CaseEventType,
  type CaseStatus,
  type Phase,
} from './phase-model.types';

export { RESTART_EVENT };

/** The system event of an accepted RE_SET restart (see case-machine.ts), with the analysis it follows. */
export type RestartEvent = { type: typeof RESTART_EVENT; resetAnalysisId: string };

/** The caller's role in the case's office (null: none). */
export type CaseActorRole = 'advisor' | 'lead' | 'auditor';

/**
 * Who may send an event: advisors and leads, lead-only events leads only, auditors nothing.
 * Checked before the payload is validated, and shown per event in availableEvents.
 */
export function maySendCaseEvent(role: CaseActorRole | null, type: CaseEventType): boolean {
  if (role === 'lead') return true;
  return role === 'advisor' && !LEAD_ONLY_EVENTS.includes(type);
}

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
  /** This caller may send it now: permitted, and every gate holds. */
  allowed: boolean;
  /** This caller's role may send it at all (REOPEN: leads only; auditors: nothing). */
  permitted: boolean;
  unmet: UnmetRequirement[];
}

// JSON round trip so the stored value never carries undefined keys or xstate internals.
const toPersisted = (snapshot: CaseSnapshot): PersistedCaseState =>
  JSON.parse(
    JSON.stringify({ value: snapshot.value, context: snapshot.context }),
  ) as PersistedCaseState;

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
    throw new InvalidCaseStateError(`Stored case state does not fit its machine: ${String(error)}`);
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

/** Structural check first (not allowed from here: 409), then the stage gates (unmet: 422). */
export function applyCaseEvent(input: {
  machineVersion: number;
  state: PersistedCaseState;
  event: CaseEvent | RestartEvent;
  facts: CaseFacts;
}): ApplyCaseEventResult {
  const machine = machinesByVersion[input.machineVersion];
  if (!machine) return { ok: false, code: 'unknown_machine_version' };
  const from = restoreCaseSnapshot(machine, input.state);
  const event = { type: input.event.type };
  if (!from.can(event)) {
    return { ok: false, code: 'transition_not_allowed', allowedEvents: acceptedEvents(from) };
  }
  // RESTART has no stage gate: the accepted RE_SET decision is its requirement.
  const unmet = event.type === RESTART_EVENT ? [] : unmetRequirements(event.type, input.facts);
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

/**
 * Every client event accepted structurally from the current state, with whether the caller's
 * role may send it and whether its gates hold now.
 */
export function availableEvents(input: {
  machineVersion: number;
  state: PersistedCaseState;
  facts: CaseFacts;
  role: CaseActorRole | null;
}): AvailableEvent[] {
  const machine = machinesByVersion[input.machineVersion];
  if (!machine) throw new UnknownMachineVersionError(input.machineVersion);
  return acceptedEvents(restoreCaseSnapshot(machine, input.state)).map((type) => {
    const unmet = unmetRequirements(type, input.facts);
    const permitted = maySendCaseEvent(input.role, type);
    return { type, allowed: permitted && unmet.length === 0, permitted, unmet };
  });
}
