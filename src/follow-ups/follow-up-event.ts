/**
 * The case history event of a recorded follow-up: outside the phase model (phase and status stay),
 * but in the case's chain, so that the ESF 6-month result is sealed like every other entry.
 */
export const FOLLOW_UP_EVENT = 'FOLLOW_UP' as const;
export type FollowUpEventType = typeof FOLLOW_UP_EVENT;
