/** What stands in for an erased free text where a text must stay (e.g. a required field). */
export const ERASED = '[gelöscht]';

interface ResetSnapshot {
  value: unknown;
  context: {
    assessment: unknown;
    recommendation: { recommendation: string; measures: { title: string; dueOn: string | null }[]; rationale: string } | null;
    decision: { accepted: boolean; note: string | null } | null;
    cancellation: { reason: string; fromState: string } | null;
  };
}

/**
 * An analysis snapshot without its free texts: codes, dates and decisions stay so that the
 * lifecycle still restores and the statistics still count; every sentence a person wrote goes.
 */
export function redactResetSnapshot(snapshot: ResetSnapshot): ResetSnapshot {
  const c = snapshot.context;
  return {
    ...snapshot,
    context: {
      ...c,
      assessment: c.assessment ? { strengths: [ERASED], weaknesses: [ERASED], opportunities: [ERASED], risks: [ERASED] } : null,
      recommendation: c.recommendation
        ? { ...c.recommendation, rationale: ERASED, measures: c.recommendation.measures.map((m) => ({ ...m, title: ERASED })) }
        : null,
      decision: c.decision ? { ...c.decision, note: null } : null,
      cancellation: c.cancellation ? { ...c.cancellation, reason: ERASED } : null,
    },
  };
}
