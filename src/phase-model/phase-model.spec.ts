import { allGatesHold, nothingRecorded, storedState } from './case-facts.fixture';
import type { CaseEvent } from './case-event';
import { parseCaseEvent } from './case-event';
import {
  applyCaseEvent,
  availableEvents,
  initialCaseState,
  maySendCaseEvent,
  RESTART_EVENT,
  UnknownMachineVersionError,
  type PersistedCaseState,
} from './phase-model';
import { phaseModelDescription } from './phase-model-description';

// Each step goes through JSON, as it would through the jsonb column.
function run(state: PersistedCaseState, events: CaseEvent[]) {
  let current = state;
  const visited: string[] = [];
  for (const event of events) {
    const stored = JSON.parse(JSON.stringify(current));
    const result = applyCaseEvent({
      machineVersion: 1,
      state: stored,
      event,
      facts: allGatesHold(),
    });
    if (!result.ok) throw new Error(`${event.type} refused: ${JSON.stringify(result)}`);
    visited.push(`${result.status}:${result.phase}`);
    current = result.state;
  }
  return { state: current, visited };
}

describe('round trip through stored JSON', () => {
  it('walks the whole model with a pause, a step back and a completion', () => {
    const { visited, state } = run(initialCaseState().state, [
      { type: 'START_COUNSELLING' },
      { type: 'START_PLANNING' },
      { type: 'PAUSE', reason: 'Language course' },
      { type: 'RESUME' },
      { type: 'LAUNCH' },
      { type: 'STEP_BACK', reason: 'Permit missing' },
      { type: 'LAUNCH' },
      { type: 'START_CONSOLIDATION' },
      { type: 'COMPLETE', outcome: 'founded_main', followUpOn: '2025-11-01' },
    ]);
    expect(visited).toEqual([
      'active:first_counselling',
      'active:planning',
      'paused:planning',
      'active:planning',
      'active:launch',
      'active:planning',
      'active:launch',
      'active:consolidation',
      'closed:consolidation',
    ]);
    expect(state).toEqual({
      value: 'closed',
      context: { phase: 'consolidation', closedReason: 'completed' },
    });
  });

  it('drops out while paused and reopens in the phase it left', () => {
    const { visited } = run(storedState('active', 'launch'), [
      { type: 'PAUSE', reason: 'Illness' },
      { type: 'DROP_OUT', reasonCode: 'illness' },
      { type: 'REOPEN', reason: 'Recovered' },
    ]);
    expect(visited).toEqual(['paused:launch', 'closed:launch', 'active:launch']);
  });

  it('completes only from consolidation', () => {
    const complete: CaseEvent = { type: 'COMPLETE', outcome: 'other', followUpOn: '2025-11-01' };
    for (const phase of ['access', 'first_counselling', 'planning', 'launch'] as const) {
      const state = storedState('active', phase);
      const result = applyCaseEvent({
        machineVersion: 1,
        state,
        event: complete,
        facts: allGatesHold(),
      });
      expect(result).toMatchObject({ ok: false, code: 'transition_not_allowed' });
    }
    expect(run(storedState('active', 'consolidation'), [complete]).visited).toEqual([
      'closed:consolidation',
    ]);
  });

  it('stores plain JSON only', () => {
    const { state } = run(initialCaseState().state, [{ type: 'START_COUNSELLING' }]);
    expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
    expect(state).toStrictEqual({
      value: { active: 'first_counselling' },
      context: { phase: 'first_counselling' },
    });
  });
});

describe('availableEvents', () => {
  const available = (state: PersistedCaseState, facts = nothingRecorded()) =>
    availableEvents({ machineVersion: 1, state, facts, role: 'lead' });

  it('in access with nothing recorded: the gated move is offered but not allowed', () => {
    expect(available(storedState('active', 'access'))).toEqual([
      {
        type: 'START_COUNSELLING',
        allowed: false,
        permitted: true,
        unmet: [
          { code: 'consent_recorded', message: expect.any(String) },
          { code: 'first_counselling_scheduled', message: expect.any(String) },
        ],
      },
      { type: 'DROP_OUT', allowed: true, permitted: true, unmet: [] },
      { type: 'PAUSE', allowed: true, permitted: true, unmet: [] },
    ]);
  });

  it('in launch with one gate open', () => {
    const facts = allGatesHold({ taxRegisteredOn: null });
    expect(available(storedState('active', 'launch'), facts)).toEqual([
      {
        type: 'START_CONSOLIDATION',
        allowed: false,
        permitted: true,
        unmet: [{ code: 'tax_registered', message: expect.any(String) }],
      },
      { type: 'STEP_BACK', allowed: true, permitted: true, unmet: [] },
      { type: 'DROP_OUT', allowed: true, permitted: true, unmet: [] },
      { type: 'PAUSE', allowed: true, permitted: true, unmet: [] },
    ]);
  });

  it('in consolidation every move is allowed', () => {
    expect(
      available(storedState('active', 'consolidation')).map((e) => [e.type, e.allowed]),
    ).toEqual([
      ['COMPLETE', true],
      ['STEP_BACK', true],
      ['DROP_OUT', true],
      ['PAUSE', true],
    ]);
  });

  it('when paused or closed', () => {
    expect(available(storedState('paused', 'planning')).map((e) => e.type)).toEqual([
      'DROP_OUT',
      'RESUME',
    ]);
    expect(available(storedState('closed', 'planning')).map((e) => e.type)).toEqual(['REOPEN']);
  });

  it('marks what the caller\u2019s role may send: REOPEN for leads only, nothing for auditors', () => {
    const closed = storedState('closed', 'planning');
    const as = (role: 'advisor' | 'lead' | 'auditor' | null, state = closed) =>
      availableEvents({ machineVersion: 1, state, facts: allGatesHold(), role }).map((e) => [
        e.type,
        e.permitted,
        e.allowed,
      ]);
    expect(as('lead')).toEqual([['REOPEN', true, true]]);
    expect(as('advisor')).toEqual([['REOPEN', false, false]]);
    const paused = storedState('paused', 'planning');
    expect(as('advisor', paused)).toEqual([
      ['DROP_OUT', true, true],
      ['RESUME', true, true],
    ]);
    expect(as('auditor', paused)).toEqual([
      ['DROP_OUT', false, false],
      ['RESUME', false, false],
    ]);
    expect(as(null, paused).every(([, permitted]) => permitted === false)).toBe(true);
    expect(maySendCaseEvent('advisor', 'PAUSE')).toBe(true);
    expect(maySendCaseEvent('auditor', 'PAUSE')).toBe(false);
  });

  it('refuses an unknown machine version', () => {
    const input = {
      machineVersion: 99,
      state: storedState('active', 'access'),
      facts: allGatesHold(),
      role: 'lead' as const,
    };
    expect(() => availableEvents(input)).toThrow(UnknownMachineVersionError);
  });
});

describe('phaseModelDescription', () => {
  const description = phaseModelDescription();
  const event = (type: string) => description.events.find((e) => e.type === type)!;

  it('lists the phases in order with their German names', () => {
    expect(description.version).toBe(1);
    expect(description.phases.map((p) => [p.code, p.order, p.label.de])).toEqual([
      ['access', 0, 'Zugang und Ansprache'],
      ['first_counselling', 1, 'Erstberatung und Orientierung'],
      ['planning', 2, 'Planung'],
      ['launch', 3, 'Unternehmensstart'],
      ['consolidation', 4, 'Konsolidierung und Wachstum'],
    ]);
    expect(description.statuses.map((s) => s.code)).toEqual(['active', 'paused', 'closed']);
  });

  it('describes events with payload, gates and transitions', () => {
    expect(description.events).toHaveLength(10);
    expect(event('LAUNCH').requirements).toHaveLength(5);
    expect(event('LAUNCH').transitions).toEqual([
      { from: { status: 'active', phase: 'planning' }, to: { status: 'active', phase: 'launch' } },
    ]);
    expect(event('STEP_BACK').transitions.map((t) => `${t.from.phase}>${t.to.phase}`)).toEqual([
      'first_counselling>access',
      'planning>first_counselling',
      'launch>planning',
      'consolidation>launch',
    ]);
    expect(event('DROP_OUT').transitions).toHaveLength(10);
    expect(event('COMPLETE').payload.map((f) => [f.name, f.required])).toEqual([
      ['outcome', true],
      ['followUpOn', true],
      ['note', false],
    ]);
    expect(event('REOPEN').leadOnly).toBe(true);
    expect(event('RESUME').leadOnly).toBe(false);
  });

  it('lists every requirement and is plain JSON', () => {
    expect(description.requirements).toHaveLength(17);
    expect(description.requirements[0]).toEqual({
      code: 'consent_recorded',
      event: 'START_COUNSELLING',
      label: { de: expect.any(String), en: expect.any(String) },
    });
    expect(JSON.parse(JSON.stringify(description))).toEqual(description);
  });
});

describe('RESTART', () => {
  const restart = (state: PersistedCaseState) =>
    applyCaseEvent({
      machineVersion: 1,
      state: JSON.parse(JSON.stringify(state)),
      event: { type: RESTART_EVENT, resetAnalysisId: '00000000-0000-4000-8000-000000000001' },
      facts: nothingRecorded(),
    });

  it('moves a new case from access to planning, with no stage gate', () => {
    const result = restart(initialCaseState().state);
    expect(result).toMatchObject({
      ok: true,
      fromPhase: 'access',
      fromStatus: 'active',
      phase: 'planning',
      status: 'active',
    });
    const { state } = run(initialCaseState().state, [
      { type: 'START_COUNSELLING' },
      { type: 'START_PLANNING' },
    ]);
    // The same snapshot as a case that got there on foot.
    expect(result.ok && result.state).toStrictEqual(state);
  });

  it('reopens a closed case at planning, whatever phase it left', () => {
    for (const phase of ['access', 'launch', 'consolidation'] as const) {
      const result = restart(storedState('closed', phase));
      expect(result).toMatchObject({
        ok: true,
        fromPhase: phase,
        fromStatus: 'closed',
        phase: 'planning',
        status: 'active',
      });
      expect(result.ok && result.state).toStrictEqual({
        value: { active: 'planning' },
        context: { phase: 'planning' },
      });
    }
  });

  it('is refused from an open case past access or a paused one', () => {
    for (const state of [
      storedState('active', 'planning'),
      storedState('active', 'launch'),
      storedState('paused', 'access'),
    ]) {
      expect(restart(state)).toMatchObject({ ok: false, code: 'transition_not_allowed' });
    }
  });

  it('is a system event that clients cannot send and that is never offered', () => {
    expect(RESTART_EVENT).toBe('RESTART');
    expect(parseCaseEvent({ type: RESTART_EVENT })).toMatchObject({ ok: false });
    const offered = availableEvents({
      machineVersion: 1,
      state: storedState('closed', 'planning'),
      facts: allGatesHold(),
      role: 'lead',
    });
    expect(offered.map((e) => e.type)).toEqual(['REOPEN']);
  });
});
