import { createHash, createHmac } from 'node:crypto';

/**
 * Chain format 1, frozen for the migrations that chained rows written before the chains existed
 * (1764115600000-HistoryHashChain, 1764115800000-ResetHistoryChain). A copy of the application's
 * format-1 code as it stood when those migrations last ran, so that a migration's result never
 * depends on today's application code. Never edit this file: new formats go in
 * src/history-chain/chain.ts.
 */

export const GENESIS_HASH = '0'.repeat(64);

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export function rowHash(prevHash: string, row: Record<string, unknown> | object): string {
  return sha256(`${prevHash}\n${canonicalJson({ v: 1, ...row })}`);
}

function textDigest(texts: Record<string, string> | null | undefined): string | null {
  return texts && Object.keys(texts).length > 0 ? sha256(canonicalJson(texts)) : null;
}

function pseudonym(key: string, kind: 'case' | 'actor' | 'analysis', id: string): string {
  return `${kind[0]}_${createHmac('sha256', key).update(`${kind}:${id}`).digest('hex').slice(0, 32)}`;
}

export interface CaseHistoryFactsV1 {
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
}

export interface ResetHistoryFactsV1 {
  analysisId: string;
  seq: number;
  at: Date;
  actorId: string | null;
  event: string;
  fromState: string;
  toState: string;
  payload: Record<string, unknown>;
  machineVersion: number;
  texts: Record<string, string> | null;
}

export function chainedCaseRow(key: string, f: CaseHistoryFactsV1, digest = textDigest(f.texts)) {
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
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
}

export function chainedResetRow(key: string, f: ResetHistoryFactsV1, digest = textDigest(f.texts)) {
  return {
    analysisRef: pseudonym(key, 'analysis', f.analysisId),
    seq: f.seq,
    at: f.at.toISOString(),
    event: f.event,
    fromState: f.fromState,
    toState: f.toState,
    actorRef: f.actorId ? pseudonym(key, 'actor', f.actorId) : null,
    payload: f.payload,
    machineVersion: f.machineVersion,
    textDigest: digest,
  };
}
