import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { configuredOrStoredSecret } from '../config/secrets';
import {
  CHAIN_FORMAT,
  ChainedCaseRow,
  ChainedCaseRowV1,
  ChainedCaseRowV2,
  ChainedResetRow,
  ChainedResetRowV1,
  ChainedResetRowV2,
  ChainFormat,
  newTextSalt,
  pseudonym,
  rowHash,
  textDigest,
} from './chain';
import { ChainState, storedChainState } from './stored-chain';

export interface CaseHistoryFacts {
  caseId: string;
  seq: number;
  at: Date;
  actorType: string;
  actorId: string | null;
  event: string;
  fromPhase: string | null;
  toPhase: string;
  fromStatus: string | null;
  toStatus: string;
  daysInPhase?: number | null;
  payload: Record<string, unknown>;
  machineVersion: number;
  texts: Record<string, string> | null;
  /** Format 2 and later: the case's office code when the row was written. */
  officeCode?: string;
}

export interface ResetHistoryFacts {
  analysisId: string;
  seq: number;
  at: Date;
  actorType?: string;
  actorId: string | null;
  event: string;
  fromState: string;
  toState: string;
  payload: Record<string, unknown>;
  machineVersion: number;
  texts: Record<string, string> | null;
  officeCode?: string;
}

/** A sealed row: the hashed fields, its hash, and the salt its texts were digested with. */
export type Sealed<R> = R & { hash: string; format: ChainFormat; salt: string | null };

/** Resolves the installation's pseudonym key once: chains and exports both depend on it. */
export function pseudonymKey(config: AppConfig): string {
  return configuredOrStoredSecret(config.pseudonymKey, config.dataDir, 'pseudonym-key');
}

/** The payload keys a case history row may store; each one is hashed (format 2). */
const CASE_PAYLOAD_KEYS = new Set(['reasonCode', 'outcome', 'followUpOn', 'resetAnalysisId']);

/**
 * Seals history rows into their per-case hash chain. The pseudonym key is part of every hash
 * (through caseRef and actorRef), so it must never change for an installation.
 */
@Injectable()
export class HistorySealer {
  private readonly key: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = pseudonymKey(config);
  }

  sealCase(prevHash: string, f: CaseHistoryFacts): Sealed<ChainedCaseRowV2> {
    return seal(prevHash, f.texts, (digest) => chainedCaseRow(this.key, f, CHAIN_FORMAT, digest));
  }

  sealReset(prevHash: string, f: ResetHistoryFacts): Sealed<ChainedResetRowV2> {
    return seal(prevHash, f.texts, (digest) => chainedResetRow(this.key, f, CHAIN_FORMAT, digest));
  }

  /** Recomputes a case's stored chain, each row in the format it was sealed in. */
  storedCaseChain(rows: StoredCaseHistoryRow[]): ChainState {
    return storedCaseChainState(this.key, rows);
  }

  storedResetChain(rows: StoredResetHistoryRow[]): ChainState {
    return storedResetChainState(this.key, rows);
  }
}

/**
 * A new row in the current format: its texts digested with a fresh salt, the hashed fields
 * (`chained`, given that digest) and the hash over them linked to `prevHash`.
 */
function seal<R extends ChainedCaseRowV2 | ChainedResetRowV2>(
  prevHash: string,
  texts: Record<string, string> | null,
  chained: (digest: string | null) => ChainedCaseRow | ChainedResetRow,
): Sealed<R> {
  const salt = texts ? newTextSalt() : null;
  const row = chained(textDigest(texts, salt)) as R;
  return { ...row, hash: rowHash(prevHash, CHAIN_FORMAT, row), format: CHAIN_FORMAT, salt };
}

export function storedCaseChainState(key: string, rows: StoredCaseHistoryRow[]): ChainState {
  return storedChainState(rows, (h) =>
    chainedCaseRow(key, storedCaseFacts(h), h.chain_format, h.text_digest),
  );
}

export function storedResetChainState(key: string, rows: StoredResetHistoryRow[]): ChainState {
  return storedChainState(rows, (h) =>
    chainedResetRow(key, storedResetFacts(h), h.chain_format, h.text_digest),
  );
}

/** The stored columns of a case history row (with its texts and their salt, when kept). */
export interface StoredCaseHistoryRow {
  case_id: string;
  seq: number;
  at: Date;
  actor_type: string;
  actor_id: string | null;
  event: string;
  from_phase: string | null;
  to_phase: string;
  from_status: string | null;
  to_status: string;
  payload: Record<string, unknown>;
  machine_version: number;
  days_in_phase: number | null;
  chain_format: number;
  office_code: string | null;
  prev_hash: string;
  hash: string;
  text_digest: string | null;
  texts: Record<string, string> | null;
  salt: string | null;
}

export interface StoredResetHistoryRow {
  analysis_id: string;
  seq: number;
  at: Date;
  actor_type: string;
  actor_id: string | null;
  event: string;
  from_state: string;
  to_state: string;
  payload: Record<string, unknown>;
  machine_version: number;
  chain_format: number;
  office_code: string | null;
  prev_hash: string;
  hash: string;
  text_digest: string | null;
  texts: Record<string, string> | null;
  salt: string | null;
}

function storedCaseFacts(h: StoredCaseHistoryRow): CaseHistoryFacts {
  return {
    caseId: h.case_id,
    seq: h.seq,
    at: h.at,
    actorType: h.actor_type,
    actorId: h.actor_id,
    event: h.event,
    fromPhase: h.from_phase,
    toPhase: h.to_phase,
    fromStatus: h.from_status,
    toStatus: h.to_status,
    daysInPhase: h.days_in_phase,
    payload: h.payload,
    machineVersion: h.machine_version,
    texts: null,
    officeCode: h.office_code ?? undefined,
  };
}

function storedResetFacts(h: StoredResetHistoryRow): ResetHistoryFacts {
  return {
    analysisId: h.analysis_id,
    seq: h.seq,
    at: h.at,
    actorType: h.actor_type,
    actorId: h.actor_id,
    event: h.event,
    fromState: h.from_state,
    toState: h.to_state,
    payload: h.payload,
    machineVersion: h.machine_version,
    texts: null,
    officeCode: h.office_code ?? undefined,
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is needed to seal a history row`);
  return value;
}

/** The hashed fields of a case history row in the given format. */
export function chainedCaseRow(
  key: string,
  f: CaseHistoryFacts,
  format: number,
  digest: string | null,
): ChainedCaseRow {
  const v1: ChainedCaseRowV1 = {
    caseRef: pseudonym(key, 'case', f.caseId),
    seq: f.seq,
    at: f.at.toISOString(),
    event: f.event,
    fromPhase: f.fromPhase,
    toPhase: f.toPhase,
    statusBefore: f.fromStatus,
    statusAfter: f.toStatus,
    actorType: f.actorType,
    actorRef: f.actorId ? pseudonym(key, 'actor', f.actorId) : null,
    reasonCode: str(f.payload.reasonCode),
    outcome: str(f.payload.outcome),
    followUpOn: str(f.payload.followUpOn),
    machineVersion: f.machineVersion,
    daysInPhase: f.daysInPhase ?? null,
    textDigest: digest,
  };
  if (format === 1) return v1;
  // Every stored payload field is hashed: a key the chain does not know is a programming error.
  const unknown = Object.keys(f.payload).filter((k) => !CASE_PAYLOAD_KEYS.has(k));
  if (unknown.length)
    throw new Error(`case history payload keys not covered by the chain: ${unknown.join(', ')}`);
  const analysisId = str(f.payload.resetAnalysisId);
  return {
    ...v1,
    officeCode: required(f.officeCode, 'officeCode'),
    resetAnalysisRef: analysisId ? pseudonym(key, 'analysis', analysisId) : null,
  } satisfies ChainedCaseRowV2;
}

/**
 * A RE_SET payload as hashed and exported in format 2: ids become keyed pseudonyms (caseId →
 * caseRef), so a pseudonymised export carries no ids and still verifies.
 */
export function chainPayload(
  key: string,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  const { caseId, ...rest } = payload;
  return typeof caseId === 'string' ? { ...rest, caseRef: pseudonym(key, 'case', caseId) } : rest;
}

export function chainedResetRow(
  key: string,
  f: ResetHistoryFacts,
  format: number,
  digest: string | null,
): ChainedResetRow {
  const base = {
    analysisRef: pseudonym(key, 'analysis', f.analysisId),
    seq: f.seq,
    at: f.at.toISOString(),
    event: f.event,
    fromState: f.fromState,
    toState: f.toState,
    actorRef: f.actorId ? pseudonym(key, 'actor', f.actorId) : null,
    machineVersion: f.machineVersion,
    textDigest: digest,
  };
  if (format === 1) return { ...base, payload: f.payload } satisfies ChainedResetRowV1;
  return {
    ...base,
    payload: chainPayload(key, f.payload),
    officeCode: required(f.officeCode, 'officeCode'),
    actorType: required(f.actorType, 'actorType'),
  } satisfies ChainedResetRowV2;
}
