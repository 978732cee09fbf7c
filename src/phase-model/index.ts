// The public surface of the phase model; import from 'src/phase-model', not from its files.
export * from './phase-model.types';
export type { CaseFacts, FundingRoute } from './case-facts';
export * from './requirements';
export * from './case-event';
export {
  CASE_MACHINE_VERSION,
  type CaseMachine,
  type CaseMachineContext,
  type ClosedReason,
} from './case-machine';
export * from './phase-model';
export * from './phase-model-description';
