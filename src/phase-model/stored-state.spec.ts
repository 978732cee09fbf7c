import { allGatesHold, storedState } from './case-facts.fixture';
import { caseMachineV1 } from './case-machine';
import {
  availableEvents,
  InvalidCaseStateError,
  restoreCaseSnapshot,
  UnknownMachineVersionError,
  type PersistedCaseState,
} from './phase-model';

// A corrupt row is a data defect: the error says what was found, for the operator's log.
const restoreError = (state: unknown) => {
  try {
    restoreCaseSnapshot(caseMachineV1, state as PersistedCaseState);
  } catch (e) {
    return e as Error;
  }
  throw new Error('restored');
};

describe('restoring a stored case state', () => {
  it('restores exactly what the machine wrote', () => {
    expect(restoreCaseSnapshot(caseMachineV1, storedState('paused', 'launch')).context.phase).toBe(
      'launch',
    );
  });

  it.each([
    [{ value: 'paused', context: { phase: 'founding' } }, 'founding'],
    [{ value: 'paused' }, 'undefined'],
    [null, 'undefined'],
  ])('names the invalid phase of %j', (state, shown) => {
    const error = restoreError(state);
    expect(error).toBeInstanceOf(InvalidCaseStateError);
    expect(error.message).toBe(`Invalid phase in stored case state: ${shown}`);
  });

  it('says when the stored value does not fit the machine', () => {
    const error = restoreError({ value: { active: 'founding' }, context: { phase: 'access' } });
    expect(error).toBeInstanceOf(InvalidCaseStateError);
    expect(error.message).toMatch(/^Stored case state does not fit its machine: \w*Error: ./);
  });

  it('shows an inconsistent state as it was stored', () => {
    const state = { value: { active: 'planning' }, context: { phase: 'launch' } };
    const error = restoreError(state);
    expect(error).toBeInstanceOf(InvalidCaseStateError);
    expect(error.message).toBe(
      'Inconsistent stored case state: {"value":{"active":"planning"},"context":{"phase":"launch"}}',
    );
  });
});

describe('UnknownMachineVersionError', () => {
  it('names the version', () => {
    const call = () =>
      availableEvents({
        machineVersion: 99,
        state: storedState('active', 'access'),
        facts: allGatesHold(),
        role: 'lead',
      });
    expect(call).toThrow(new UnknownMachineVersionError(99));
    expect(call).toThrow('Unknown case machine version 99');
    expect(new UnknownMachineVersionError(7).machineVersion).toBe(7);
  });
});
