import { createHash, createHmac, randomFillSync } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The prevHash of the first row of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The row format new history rows are sealed in. Every row stores the format it was sealed in
 * (chain_format), and the hash input carries it as `v`, so a verifier picks the field list by row.
 * A format is never changed once rows have been written in it: add a new one (docs/verification.md).
 *  1: the first format (no office code, unsalted text digest, RESTART's analysis id not covered).
 *  2: adds officeCode, actorType (RE_SET), the payload's ids as pseudonyms; salted text digests.
 */
export const CHAIN_FORMAT = 2;
export type ChainFormat = 1 | 2;
export const CHAIN_FORMATS: readonly ChainFormat[] = [1, 2];

export function isChainFormat(value: unknown): value is ChainFormat {
  return CHAIN_FORMATS.includes(value as ChainFormat);
}

/**
 * The fields of a case history row that its hash covers: exactly the columns an export carries, so
 * that anyone holding an export can recompute every hash. Identities appear only as keyed
 * pseudonyms (caseRef, actorRef) and free text only as its digest, so texts can be erased and
 * exports pseudonymised while every chain still verifies.
 */
export interface ChainedCaseRowV1 {
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

export interface ChainedCaseRowV2 extends ChainedCaseRowV1 {
  officeCode: string;
  /** RESTART only: the RE_SET analysis that restarted the case, as a keyed pseudonym. */
  resetAnalysisRef: string | null;
}

export type ChainedCaseRow = ChainedCaseRowV1 | ChainedCaseRowV2;

/** The fields of a RE_SET analysis history row that its hash covers (format 1). */
export interface ChainedResetRowV1 {
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

export interface ChainedResetRowV2 extends ChainedResetRowV1 {
  officeCode: string;
  actorType: string;
}

export type ChainedResetRow = ChainedResetRowV1 | ChainedResetRowV2;

export type FieldType = 'string' | 'string?' | 'integer' | 'integer?' | 'object';

const CASE_FIELDS_V1: Record<string, FieldType> = {
  caseRef: 'string',
  seq: 'integer',
  at: 'string',
  event: 'string',
  fromPhase: 'string?',
  toPhase: 'string',
  statusBefore: 'string?',
  statusAfter: 'string',
  actorType: 'string',
  actorRef: 'string?',
  reasonCode: 'string?',
  outcome: 'string?',
  followUpOn: 'string?',
  machineVersion: 'integer',
  daysInPhase: 'integer?',
  textDigest: 'string?',
};

const RESET_FIELDS_V1: Record<string, FieldType> = {
  analysisRef: 'string',
  seq: 'integer',
  at: 'string',
  event: 'string',
  fromState: 'string',
  toState: 'string',
  actorRef: 'string?',
  payload: 'object',
  machineVersion: 'integer',
  textDigest: 'string?',
};

/** Each format's hashed fields and their JSON types ("?": may be null), per history kind. */
export const CASE_FIELDS: Record<ChainFormat, Record<string, FieldType>> = {
  1: CASE_FIELDS_V1,
  2: { ...CASE_FIELDS_V1, officeCode: 'string', resetAnalysisRef: 'string?' },
};

export const RESET_FIELDS: Record<ChainFormat, Record<string, FieldType>> = {
  1: RESET_FIELDS_V1,
  2: { ...RESET_FIELDS_V1, officeCode: 'string', actorType: 'string' },
};

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** SHA-256 (hex) over `prevHash "\n" JCS({v: format, ...fields})`. */
export function rowHash(prevHash: string, format: ChainFormat, fields: object): string {
  return sha256(`${prevHash}\n${canonicalJson({ ...fields, v: format })}`);
}

/** A fresh salt for one row's texts: 16 random bytes, hex. */
export function newTextSalt(): string {
  // From a pool of CSPRNG bytes, each 16 used once: one getrandom call per 256 salts instead of
  // one per history row with texts (a syscall that cost 0.1 ms per transition under load).
  if (saltOffset === SALT_POOL.length) {
    randomFillSync(SALT_POOL);
    saltOffset = 0;
  }
  const salt = SALT_POOL.toString('hex', saltOffset, saltOffset + SALT_BYTES);
  saltOffset += SALT_BYTES;
  return salt;
}

const SALT_BYTES = 16;
const SALT_POOL = Buffer.alloc(SALT_BYTES * 256);
let saltOffset = SALT_POOL.length;

/**
 * Digest of a row's free texts (reasons, notes), or null when it has none. Format 2 salts it with a
 * random per-row salt kept (and erased) with the texts, so that nobody can test guesses against it;
 * format 1 (unsalted) is kept for checking rows written in it.
 */
export function textDigest(
  texts: Record<string, string> | null | undefined,
  salt: string | null = null,
): string | null {
  if (!texts || Object.keys(texts).length === 0) return null;
  return salt === null ? sha256(canonicalJson(texts)) : sha256(`${salt}\n${canonicalJson(texts)}`);
}

/** A stable keyed pseudonym: the same id gives the same ref across exports, the key keeps it opaque. */
export function pseudonym(
  key: string,
  kind: 'case' | 'actor' | 'founder' | 'analysis',
  id: string,
): string {
  return `${kind[0]}_${createHmac('sha256', key).update(`${kind}:${id}`).digest('hex').slice(0, 32)}`;
}

export interface ChainBreak {
  seq: number;
  reason: 'prev_hash_mismatch' | 'hash_mismatch' | 'sequence_gap' | 'unknown_format';
}

/** One row as a verifier sees it: its format, its hashed fields, and its links. */
export interface ChainLink {
  format: number;
  fields: { seq: number } & object;
  prevHash: string;
  hash: string;
}

/**
 * Checks one chain, rows in file order: each row's prevHash must be the previous row's hash (the
 * genesis for the first), its seq must follow, and its hash must recompute in its own format.
 * Returns the first break.
 */
export function verifyChain(
  rows: ChainLink[],
  firstPrevHash: string = GENESIS_HASH,
): ChainBreak | null {
  let prev = firstPrevHash;
  let expectedSeq = rows[0]?.fields.seq ?? 1;
  for (const row of rows) {
    const seq = row.fields.seq;
    if (seq !== expectedSeq) return { seq, reason: 'sequence_gap' };
    if (row.prevHash !== prev) return { seq, reason: 'prev_hash_mismatch' };
    if (!isChainFormat(row.format)) return { seq, reason: 'unknown_format' };
    if (rowHash(row.prevHash, row.format, row.fields) !== row.hash)
      return { seq, reason: 'hash_mismatch' };
    prev = row.hash;
    expectedSeq++;
  }
  return null;
}
