import { ResetEvent, ResetEventType } from './reset-events';
import {
  ResetState,
  ResetStateError,
  applyResetEvent,
  initialResetState,
  resetAvailableEvents,
} from './reset-lifecycle';
import { RESET_MACHINE_VERSION, RESET_STATES, ResetStateValue } from './reset.machine';

const V = RESET_MACHINE_VERSION;
const withPeriod = { periodCount: 1 };

const EVENTS: Record<ResetEventType, ResetEvent> = {
  START_ANALYSIS: { type: 'START_ANALYSIS' },
  ASSESS: {
    type: 'ASSESS',
    strengths: ['loyal regular customers'],
    weaknesses: ['prices unchanged since 2019'],
    opportunities: ['new housing estate nearby'],
    risks: ['chain salon opening'],
  },
  RECOMMEND: {
    type: 'RECOMMEND',
    recommendation: 'quick_exit',
    measures: [{ title: 'raise prices by 15 %', dueOn: '2026-04-01' }],
    rationale: 'A 261 € gap can be closed with prices and two more weekday openings.',
  },
  DECIDE: { type: 'DECIDE', accepted: true, note: null },
  CANCEL: { type: 'CANCEL', reason: 'moved away' },
};
const TYPES = Object.keys(EVENTS) as ResetEventType[];

function apply(state: ResetState, type: ResetEventType, facts = withPeriod) {
  return applyResetEvent({ machineVersion: V, state, event: EVENTS[type], facts });
}

/** Drives a fresh state along the main path (or cancels) to reach `value`. */
function stateAt(value: ResetStateValue): ResetState {
  const path: ResetEventType[] = ['START_ANALYSIS', 'ASSESS', 'RECOMMEND', 'DECIDE'];
  const steps =
    value === 'cancelled' ? ['CANCEL' as const] : path.slice(0, RESET_STATES.indexOf(value));
  return steps.reduce((state, type) => {
    const result = apply(state, type);
    if (!result.ok) throw new Error(`cannot ${type} from ${state.value}`);
    return result.state;
  }, initialResetState());
}

// The expected table: target state, or null where the event is refused.
const TABLE: Record<ResetStateValue, Record<ResetEventType, ResetStateValue | null>> = {
  // prettier-ignore
  intake:      { START_ANALYSIS: 'analysis', ASSESS: null, RECOMMEND: null, DECIDE: null, CANCEL: 'cancelled' },
  // prettier-ignore
  analysis:    { START_ANALYSIS: null, ASSESS: 'assessed', RECOMMEND: null, DECIDE: null, CANCEL: 'cancelled' },
  // prettier-ignore
  assessed:    { START_ANALYSIS: null, ASSESS: null, RECOMMEND: 'recommended', DECIDE: null, CANCEL: 'cancelled' },
  // prettier-ignore
  recommended: { START_ANALYSIS: null, ASSESS: null, RECOMMEND: null, DECIDE: 'decided', CANCEL: 'cancelled' },
  // prettier-ignore
  decided:     { START_ANALYSIS: null, ASSESS: null, RECOMMEND: null, DECIDE: null, CANCEL: null },
  // prettier-ignore
  cancelled:   { START_ANALYSIS: null, ASSESS: null, RECOMMEND: null, DECIDE: null, CANCEL: null },
};

const cells = RESET_STATES.flatMap((state) =>
  TYPES.map((type) => [state, type, TABLE[state][type]] as const),
);

describe('every state × event', () => {
  it.each(cells)('%s + %s → %p', (from, type, to) => {
    const result = apply(stateAt(from), type);
    if (to === null) {
      const allowedEvents = TYPES.filter((t) => TABLE[from][t] !== null);
      expect(result).toEqual({ ok: false, code: 'transition_not_allowed', allowedEvents });
    } else {
      expect(result).toMatchObject({ ok: true, fromState: from, toState: to });
      expect(result.ok && result.state.value).toBe(to);
    }
  });

  it.each(RESET_STATES)('lists only the events the lifecycle can take in %s', (value) => {
    const available = resetAvailableEvents({
      machineVersion: V,
      state: stateAt(value),
      facts: withPeriod,
      role: 'advisor',
    });
    expect(available).toEqual(
      TYPES.filter((type) => TABLE[value][type] !== null).map((type) => ({
        type,
        allowed: true,
        permitted: true,
        unmet: [],
        ...(type === 'DECIDE' ? { mayAccept: true } : {}),
      })),
    );
  });

  it('marks what the caller\u2019s role may send: auditors nothing, a reopening DECIDE leads only', () => {
    const at = (role: 'advisor' | 'lead' | 'auditor' | null, acceptReopensClosedCase = false) =>
      resetAvailableEvents({
        machineVersion: V,
        state: stateAt('recommended'),
        facts: { periodCount: 1, acceptReopensClosedCase },
        role,
      });
    expect(at('auditor')).toEqual([
      { type: 'DECIDE', allowed: false, permitted: false, unmet: [], mayAccept: false },
      { type: 'CANCEL', allowed: false, permitted: false, unmet: [] },
    ]);
    expect(at(null).every((e) => !e.permitted && !e.allowed)).toBe(true);
    expect(at('advisor', true)[0]).toEqual({
      type: 'DECIDE',
      allowed: true,
      permitted: true,
      unmet: [],
      mayAccept: false,
    });
    expect(at('lead', true)[0]).toMatchObject({ type: 'DECIDE', mayAccept: true });
    expect(at('advisor', false)[0]).toMatchObject({ type: 'DECIDE', mayAccept: true });
  });
});

describe('requirements', () => {
  const noPeriod = { periodCount: 0 };
  const unmet = [{ code: 'period_recorded', message: 'Record at least one EKS period first.' }];

  it('refuses START_ANALYSIS without a recorded period', () => {
    expect(apply(initialResetState(), 'START_ANALYSIS', noPeriod)).toEqual({
      ok: false,
      code: 'requirements_unmet',
      unmet,
    });
    const available = resetAvailableEvents({
      machineVersion: V,
      state: initialResetState(),
      facts: noPeriod,
      role: 'lead',
    });
    expect(available[0]).toEqual({
      type: 'START_ANALYSIS',
      allowed: false,
      permitted: true,
      unmet,
    });
  });

  it('reports a wrong state before unmet requirements', () => {
    expect(apply(stateAt('analysis'), 'START_ANALYSIS', noPeriod)).toMatchObject({
      code: 'transition_not_allowed',
    });
  });
});

describe('persisted state', () => {
  it('records the analysis in the context and survives a JSON round trip', () => {
    const decided = JSON.parse(JSON.stringify(stateAt('decided'))) as ResetState;
    expect(decided).toEqual({
      value: 'decided',
      context: {
        assessment: {
          strengths: ['loyal regular customers'],
          weaknesses: ['prices unchanged since 2019'],
          opportunities: ['new housing estate nearby'],
          risks: ['chain salon opening'],
        },
        recommendation: {
          recommendation: 'quick_exit',
          measures: [{ title: 'raise prices by 15 %', dueOn: '2026-04-01' }],
          rationale: 'A 261 € gap can be closed with prices and two more weekday openings.',
        },
        decision: { accepted: true, note: null },
        cancellation: null,
      },
    });
  });

  it('remembers where a case was cancelled', () => {
    const result = apply(JSON.parse(JSON.stringify(stateAt('assessed'))), 'CANCEL');
    expect(result.ok && result.state.context.cancellation).toEqual({
      reason: 'moved away',
      fromState: 'assessed',
    });
    expect(result.ok && result.state.context.assessment).not.toBeNull();
  });

  it('starts fresh each time', () => {
    const a = initialResetState();
    a.context.cancellation = { reason: 'x', fromState: 'intake' };
    expect(initialResetState().context.cancellation).toBeNull();
  });

  it('refuses snapshots of another machine version or an unknown state', () => {
    const state = initialResetState();
    const event = EVENTS.CANCEL;
    expect(applyResetEvent({ machineVersion: V + 1, state, event, facts: withPeriod })).toEqual({
      ok: false,
      code: 'unsupported_machine_version',
      machineVersion: V + 1,
    });
    const bogus = { ...state, value: 'planning' } as unknown as ResetState;
    expect(applyResetEvent({ machineVersion: V, state: bogus, event, facts: withPeriod })).toEqual({
      ok: false,
      code: 'invalid_state',
    });
    expect(() =>
      resetAvailableEvents({ machineVersion: 2, state, facts: withPeriod, role: 'lead' }),
    ).toThrow(ResetStateError);
  });
});
