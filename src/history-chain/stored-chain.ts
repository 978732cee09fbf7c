import { ChainBreak, textDigest, verifyChain } from './chain';

export interface StoredChainRow {
  seq: number;
  prev_hash: string;
  hash: string;
  text_digest: string | null;
  texts: Record<string, string> | null;
}

export interface ChainState {
  valid: boolean;
  length: number;
  head: string | null;
  firstBroken: { seq: number; reason: ChainBreak['reason'] | 'text_mismatch' } | null;
}

/**
 * Recomputes a stored history's chain (`chained` gives the hashed fields of a row) and checks each
 * kept free text against its digest; an erased text is not a break.
 */
export function storedChainState<R extends StoredChainRow>(rows: R[], chained: (row: R) => object): ChainState {
  const withHashes = rows.map((r) => ({ ...chained(r), textDigest: r.text_digest, prevHash: r.prev_hash, hash: r.hash }));
  const broken =
    verifyChain(withHashes as Parameters<typeof verifyChain>[0]) ??
    rows.filter((r) => r.texts !== null && textDigest(r.texts) !== r.text_digest).map((r) => ({ seq: r.seq, reason: 'text_mismatch' as const }))[0] ??
    null;
  return { valid: broken === null, length: rows.length, head: rows[rows.length - 1]?.hash ?? null, firstBroken: broken };
}
