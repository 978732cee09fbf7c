/**
 * The history event of an accepted hand-over: sealed into the chain of each of the founder's cases
 * with phase and status unchanged, as the last row the sending office wrote.
 */
export const TRANSFER_EVENT = 'TRANSFER' as const;
