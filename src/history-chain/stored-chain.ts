import { ChainBreak, textDigest, verifyChain } from './chain';

export interface StoredChainRow {
  seq: number;
  chain_format: number;
  prev_hash: string;
  hash: string;
  text_digest: string | null;
  texts: Record<string, string> | null;
  /** The salt of the texts' digest (format 2 and later), erased with the texts. */
  salt: string | null;
}

export interface ChainState {
  valid: boolean;
  length: number;
  head: string | null;
  firstBroken: { seq: number; reason: ChainBreak['reason'] | 'text_mismatch' } | null;
}

/**
 * Recomputes a stored history's chain (`chained` gives the hashed fields of a row in its format)
 * and checks each kept free text against its digest; an erased text is not a break.
 */
export function storedChainState<R extends StoredChainRow>(
  rows: R[],
  chained: (row: R) => { seq: number },
): ChainState {
  const links = rows.map((r) => ({
    format: r.chain_format,
    fields: chained(r),
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
  const broken =
    verifyChain(links) ??
    rows
      .filter(
        (r) =>
          r.texts !== null &&
          textDigest(r.texts, r.chain_format === 1 ? null : r.salt) !== r.text_digest,
      )
      .map((r) => ({ seq: r.seq, reason: 'text_mismatch' as const }))[0] ??
    null;
  return {
    valid: broken === null,
    length: rows.length,
    head: rows[rows.length - 1]?.hash ?? null,
    firstBroken: broken,
  };
}
