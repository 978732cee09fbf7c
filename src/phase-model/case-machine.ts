import { assign, setup } from 'xstate';
import { PHASES, type CaseEventType, type Phase } from './phase-model.types';

/**
 * Version 1 of the case machine. It encodes only which events are structurally accepted where;
 * stage gates (which need loaded facts) are checked outside it, so the machine stays pure and a
 * persisted snapshot can be restored from JSON alone.
 */
export const CASE_MACHINE_VERSION = 1;

export type ClosedReason = 'completed' | 'dropped_out';

export interface CaseMachineContext {
  /** The phase the case is in; while paused or closed, the phase it left (to resume or reopen). */
  phase: Phase;
  closedReason?: ClosedReason;
}

/**
 * The system event of an accepted RE_SET restart: no client may send it (it is not a
 * CaseEventType, so parseCaseEvent refuses it), but it moves the case like any other event.
 */
export const RESTART_EVENT = 'RESTART' as const;

// The machine needs only the type; payloads are validated and recorded by the caller.
export type CaseMachineEvent = { type: CaseEventType | typeof RESTART_EVENT };

// Guarded transitions instead of history states: the target depends on context only, so a
// snapshot restored from { value, context } resumes correctly without any history bookkeeping.
const backToPhase = (...phases: readonly Phase[]) =>
  phases.map((phase) => ({
    guard: { type: 'leftPhase' as const, params: { phase } },
    target: `#case.active.${phase}`,
  }));

const enter = (phase: Phase) => ({ type: 'enterPhase' as const, params: { phase } });

export const caseMachineV1 = setup({
  types: {
    context: {} as CaseMachineContext,
    events: {} as CaseMachineEvent,
  },
  actions: {
    enterPhase: assign((_, params: { phase: Phase }) => ({
      phase: params.phase,
      closedReason: undefined,
    })),
    close: assign((_, params: { reason: ClosedReason }) => ({ closedReason: params.reason })),
  },
  guards: {
    leftPhase: ({ context }, params: { phase: Phase }) => context.phase === params.phase,
  },
}).createMachine({
  id: 'case',
  initial: 'active',
  context: { phase: 'access' },
  states: {
    active: {
      initial: 'access',
      on: {
        PAUSE: { target: 'paused' },
        DROP_OUT: {
          target: 'closed',
          actions: { type: 'close', params: { reason: 'dropped_out' } },
        },
      },
      states: {
        access: {
          entry: enter('access'),
          // A case that a restart opens is created here and moved on at once.
          on: {
            START_COUNSELLING: { target: 'first_counselling' },
            RESTART: { target: 'planning' },
          },
        },
        first_counselling: {
          entry: enter('first_counselling'),
          on: { START_PLANNING: { target: 'planning' }, STEP_BACK: { target: 'access' } },
        },
        planning: {
          entry: enter('planning'),
          on: { LAUNCH: { target: 'launch' }, STEP_BACK: { target: 'first_counselling' } },
        },
        launch: {
          entry: enter('launch'),
          on: {
            START_CONSOLIDATION: { target: 'consolidation' },
            STEP_BACK: { target: 'planning' },
          },
        },
        consolidation: {
          entry: enter('consolidation'),
          on: {
            COMPLETE: {
              target: '#case.closed',
              actions: { type: 'close', params: { reason: 'completed' } },
            },
            STEP_BACK: { target: 'launch' },
          },
        },
      },
    },
    paused: {
      on: {
        RESUME: backToPhase(...PHASES),
        DROP_OUT: {
          target: 'closed',
          actions: { type: 'close', params: { reason: 'dropped_out' } },
        },
      },
    },
    closed: {
      on: {
        REOPEN: backToPhase(...PHASES),
        // A restart with coaching re-enters the founder at planning, whatever phase they left.
        RESTART: { target: '#case.active.planning' },
      },
    },
  },
});

export type CaseMachine = typeof caseMachineV1;
