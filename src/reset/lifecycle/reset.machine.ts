import { assign, setup } from 'xstate';
import { Measure, ResetEvent, ResetRecommendation, Swot } from './reset-events';

/** Stored with every snapshot; bump it when states or transitions change incompatibly. */
export const RESET_MACHINE_VERSION = 1;

export const RESET_STATES = [
  'intake',
  'analysis',
  'assessed',
  'recommended',
  'decided',
  'cancelled',
] as const;
export type ResetStateValue = (typeof RESET_STATES)[number];

/** What the analysis produced so far; the snapshot is the record of it. */
export interface ResetContext {
  assessment: Swot | null;
  recommendation: {
    recommendation: ResetRecommendation;
    measures: Measure[];
    rationale: string;
  } | null;
  decision: { accepted: boolean; note: string | null } | null;
  cancellation: { reason: string; fromState: ResetStateValue } | null;
}

// A factory, so no two snapshots share (and could mutate) one context object.
const initialContext = (): ResetContext => ({
  assessment: null,
  recommendation: null,
  decision: null,
  cancellation: null,
});

/**
 * Only the shape of the lifecycle lives here. Requirements that depend on data outside the
 * snapshot (e.g. recorded EKS periods) are checked by `applyResetEvent`, so the machine stays
 * deterministic on its own snapshot and can be restored without any repository.
 */
export const resetMachine = setup({
  // XState's way to declare the machine's types: setup() infers them from this assertion, which
  // the rule takes for a no-op because {} already fits the optional members.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  types: {} as { context: ResetContext; events: ResetEvent },
  actions: {
    storeAssessment: assign({
      assessment: ({ event }) => {
        if (event.type !== 'ASSESS') throw new Error('storeAssessment needs ASSESS');
        const { strengths, weaknesses, opportunities, risks } = event;
        return { strengths, weaknesses, opportunities, risks };
      },
    }),
    storeRecommendation: assign({
      recommendation: ({ event }) => {
        if (event.type !== 'RECOMMEND') throw new Error('storeRecommendation needs RECOMMEND');
        const { recommendation, measures, rationale } = event;
        return { recommendation, measures, rationale };
      },
    }),
    storeDecision: assign({
      decision: ({ event }) => {
        if (event.type !== 'DECIDE') throw new Error('storeDecision needs DECIDE');
        return { accepted: event.accepted, note: event.note };
      },
    }),
    storeCancellation: assign({
      cancellation: ({ event }, params: { fromState: ResetStateValue }) => {
        if (event.type !== 'CANCEL') throw new Error('storeCancellation needs CANCEL');
        return { reason: event.reason, fromState: params.fromState };
      },
    }),
  },
}).createMachine({
  id: 'reset',
  initial: 'intake',
  context: initialContext,
  states: {
    intake: {
      on: {
        START_ANALYSIS: 'analysis',
        CANCEL: cancelFrom('intake'),
      },
    },
    analysis: {
      on: {
        ASSESS: { target: 'assessed', actions: 'storeAssessment' },
        CANCEL: cancelFrom('analysis'),
      },
    },
    assessed: {
      on: {
        RECOMMEND: { target: 'recommended', actions: 'storeRecommendation' },
        CANCEL: cancelFrom('assessed'),
      },
    },
    recommended: {
      on: {
        DECIDE: { target: 'decided', actions: 'storeDecision' },
        CANCEL: cancelFrom('recommended'),
      },
    },
    decided: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

function cancelFrom(fromState: ResetStateValue) {
  return {
    target: 'cancelled',
    actions: { type: 'storeCancellation', params: { fromState } },
  } as const;
}
