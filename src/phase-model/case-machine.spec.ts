import { allGatesHold, nothingRecorded, storedState } from './case-facts.fixture';
import type { CaseEvent } from './case-event';
import { applyCaseEvent, initialCaseState, InvalidCaseStateError } from './phase-model';
import type { PersistedCaseState } from './phase-model';
import {
  CASE_EVENT_TYPES,
  type CaseEventType,
  type CaseStatus,
  type Phase,
} from './phase-model.types';

type Position = `${CaseStatus}:${Phase}`;

// The expected transition table, written out by hand: for each position, the accepted events (in
// canonical order) and where each one leads. Anything not listed must be refused.
const EXPECTED: Record<Position, Partial<Record<CaseEventType, Position>>> = {
  'active:access': {
    START_COUNSELLING: 'active:first_counselling',
    DROP_OUT: 'closed:access',
    PAUSE: 'paused:access',
  },
  'active:first_counselling': {
    START_PLANNING: 'active:planning',
    STEP_BACK: 'active:access',
    DROP_OUT: 'closed:first_counselling',
    PAUSE: 'paused:first_counselling',
  },
  'active:planning': {
    LAUNCH: 'active:launch',
    STEP_BACK: 'active:first_counselling',
    DROP_OUT: 'closed:planning',
    PAUSE: 'paused:planning',
  },
  'active:launch': {
    START_CONSOLIDATION: 'active:consolidation',
    STEP_BACK: 'active:planning',
    DROP_OUT: 'closed:launch',
    PAUSE: 'paused:launch',
  },
  'active:consolidation': {
    COMPLETE: 'closed:consolidation',
    STEP_BACK: 'active:launch',
    DROP_OUT: 'closed:consolidation',
    PAUSE: 'paused:consolidation',
  },
  'paused:access': { DROP_OUT: 'closed:access', RESUME: 'active:access' },
  'paused:first_counselling': {
    DROP_OUT: 'closed:first_counselling',
    RESUME: 'active:first_counselling',
  },
  'paused:planning': { DROP_OUT: 'closed:planning', RESUME: 'active:planning' },
  'paused:launch': { DROP_OUT: 'closed:launch', RESUME: 'active:launch' },
  'paused:consolidation': { DROP_OUT: 'closed:consolidation', RESUME: 'active:consolidation' },
  'closed:access': { REOPEN: 'active:access' },
  'closed:first_counselling': { REOPEN: 'active:first_counselling' },
  'closed:planning': { REOPEN: 'active:planning' },
  'closed:launch': { REOPEN: 'active:launch' },
  'closed:consolidation': { REOPEN: 'active:consolidation' },
};

// A valid payload for each event type, so that only the machine decides.
const SAMPLE_EVENTS: Record<CaseEventType, CaseEvent> = {
  START_COUNSELLING: { type: 'START_COUNSELLING' },
  START_PLANNING: { type: 'START_PLANNING' },
  LAUNCH: { type: 'LAUNCH' },
  START_CONSOLIDATION: { type: 'START_CONSOLIDATION' },
  COMPLETE: { type: 'COMPLETE', outcome: 'founded_main', followUpOn: '2025-11-01' },
  STEP_BACK: { type: 'STEP_BACK', reason: 'Plan not viable yet' },
  DROP_OUT: { type: 'DROP_OUT', reasonCode: 'employment' },
  PAUSE: { type: 'PAUSE', reason: 'Language course' },
  RESUME: { type: 'RESUME' },
  REOPEN: { type: 'REOPEN', reason: 'Came back' },
};

const split = (p: Position) => p.split(':') as [CaseStatus, Phase];
const apply = (state: PersistedCaseState, type: CaseEventType, facts = allGatesHold()) =>
  applyCaseEvent({ machineVersion: 1, state, event: SAMPLE_EVENTS[type], facts });

describe('case machine v1: every position × every event', () => {
  const cases = (Object.keys(EXPECTED) as Position[]).flatMap((position) =>
    CASE_EVENT_TYPES.map((type) => [position, type] as const),
  );
  it('covers 15 positions × 10 events', () => expect(cases).toHaveLength(150));

  it.each(cases)('%s + %s', (position, type) => {
    const [status, phase] = split(position);
    const result = apply(storedState(status, phase), type);
    const target = EXPECTED[position][type];
    if (target) {
      const [toStatus, toPhase] = split(target);
      expect(result).toMatchObject({ ok: true, status: toStatus, phase: toPhase });
      expect(result).toMatchObject({ fromStatus: status, fromPhase: phase });
      expect(result.ok && result.state).toEqual(storedStateWithReason(toStatus, toPhase, type));
    } else {
      expect(result).toEqual({
        ok: false,
        code: 'transition_not_allowed',
        allowedEvents: Object.keys(EXPECTED[position]),
      });
    }
  });
});

// The stored state after a move: closing records why, everything else clears the reason.
function storedStateWithReason(status: CaseStatus, phase: Phase, type: CaseEventType) {
  const state = storedState(status, phase);
  if (status !== 'closed') return state;
  const closedReason = type === 'COMPLETE' ? 'completed' : 'dropped_out';
  return { ...state, context: { ...state.context, closedReason } };
}

describe('case machine v1: other rules', () => {
  it('starts active in access', () => {
    expect(initialCaseState()).toEqual({
      machineVersion: 1,
      state: { value: { active: 'access' }, context: { phase: 'access' } },
      phase: 'access',
      status: 'active',
    });
  });

  it('checks the structure before the gates (409 before 422)', () => {
    const result = apply(storedState('active', 'access'), 'LAUNCH', nothingRecorded());
    expect(result).toMatchObject({ ok: false, code: 'transition_not_allowed' });
  });

  it('clears the closed reason on reopen', () => {
    const closed = { value: 'closed', context: { phase: 'planning', closedReason: 'dropped_out' } };
    const result = apply(closed as PersistedCaseState, 'REOPEN');
    expect(result.ok && result.state).toEqual(storedState('active', 'planning'));
  });

  it.each([0, 2, -1, 1.5])('refuses unknown machine version %p', (machineVersion) => {
    const state = storedState('active', 'access');
    const event = SAMPLE_EVENTS.START_COUNSELLING;
    expect(applyCaseEvent({ machineVersion, state, event, facts: allGatesHold() })).toEqual({
      ok: false,
      code: 'unknown_machine_version',
    });
  });

  it.each([
    ['a value resolveState would complete', { value: 'active', context: { phase: 'access' } }],
    ['phase and value disagree', { value: { active: 'planning' }, context: { phase: 'launch' } }],
    ['an unknown phase', { value: 'paused', context: { phase: 'founding' } }],
    ['an unknown state', { value: 'archived', context: { phase: 'access' } }],
    ['no context', { value: 'paused' }],
  ])('refuses a stored state with %s', (_, state) => {
    expect(() => apply(state as PersistedCaseState, 'DROP_OUT')).toThrow(InvalidCaseStateError);
  });
});
