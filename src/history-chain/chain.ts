import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The prevHash of the first row of every chain. */
export const GENESIS_HASH = '0'.repeat(64);
export const CHAIN_FORMAT = 1;

/**
 * The fields of a case history row that its hash covers: exactly the columns an export carries, so
 * that anyone holding an export can recompute every hash. Identities appear only as keyed
 * pseudonyms (caseRef, actorRef) and free text only as its digest, so texts can be erased and
 * exports pseudonymised while every chain still verifies.
 */
export interface ChainedCaseRow {
  caseRef: string;
  seq: number;
  at: string;
  event: string;
  fromPhase: string | null;
  toPhase: string;
  statusBefore: string | null;
  statusAfter: string;
  actorType: string;
  actorRef: string | null;
  reasonCode: string | null;
  outcome: string | null;
  followUpOn: string | null;
  machineVersion: number;
  daysInPhase: number | null;
  textDigest: string | null;
}

/** The fields of a RE_SET analysis history row that its hash covers. */
export interface ChainedResetRow {
  analysisRef: string;
  seq: number;
  at: string;
  event: string;
  fromState: string;
  toState: string;
  actorRef: string | null;
  payload: Record<string, unknown>;
  machineVersion: number;
  textDigest: string | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function rowHash(prevHash: string, row: ChainedCaseRow | ChainedResetRow | Record<string, unknown>): string {
  return sha256(`${prevHash}\n${canonicalJson({ v: CHAIN_FORMAT, ...row })}`);
}

/** Digest of a row's free texts (reasons, notes), or null when it has none. */
export function textDigest(texts: Record<string, string> | null | undefined): string | null {
  return texts && Object.keys(texts).length > 0 ? sha256(canonicalJson(texts)) : null;
}

/** A stable keyed pseudonym: the same id gives the same ref across exports, the key keeps it opaque. */
export function pseudonym(key: string, kind: 'case' | 'actor' | 'founder' | 'analysis', id: string): string {
  return `${kind[0]}_${createHmac('sha256', key).update(`${kind}:${id}`).digest('hex').slice(0, 32)}`;
}

export interface ChainBreak {
  seq: number;
  reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'sequence_gap';
}

/**
 * Checks one chain, rows in file order: each row's prevHash must be the previous row's hash (the
 * genesis for the first), its seq must follow, and its hash must recompute. Returns the first break.
 */
export function verifyChain(
  rows: ((ChainedCaseRow | ChainedResetRow) & { prevHash: string; hash: string })[],
  firstPrevHash: string = GENESIS_HASH,
): ChainBreak | null {
  let prev = firstPrevHash;
  let expectedSeq = rows[0]?.seq ?? 1;
  for (const row of rows) {
    const { prevHash, hash, ...fields } = row;
    if (row.seq !== expectedSeq) return { seq: row.seq, reason: 'sequence_gap' };
    if (prevHash !== prev) return { seq: row.seq, reason: 'prev_hash_mismatch' };
    if (rowHash(prevHash, fields) !== hash) return { seq: row.seq, reason: 'hash_mismatch' };
    prev = hash;
    expectedSeq++;
  }
  return null;
}
