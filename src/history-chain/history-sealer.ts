import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { configuredOrStoredSecret } from '../config/secrets';
import { ChainedCaseRow, ChainedResetRow, pseudonym, rowHash, textDigest } from './chain';

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
}

export interface ResetHistoryFacts {
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

/** Resolves the installation's pseudonym key once: chains and exports both depend on it. */
export function pseudonymKey(config: AppConfig): string {
  return configuredOrStoredSecret(config.pseudonymKey, config.dataDir, 'pseudonym-key');
}

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

  caseRef(caseId: string): string {
    return pseudonym(this.key, 'case', caseId);
  }

  actorRef(actorId: string | null): string | null {
    return actorId ? pseudonym(this.key, 'actor', actorId) : null;
  }

  chainedCaseRow(f: CaseHistoryFacts): ChainedCaseRow {
    return chainedCaseRow(this.key, f);
  }

  chainedResetRow(f: ResetHistoryFacts): ChainedResetRow {
    return chainedResetRow(this.key, f);
  }

  sealReset(prevHash: string, f: ResetHistoryFacts): ChainedResetRow & { hash: string } {
    const row = this.chainedResetRow(f);
    return { ...row, hash: rowHash(prevHash, row) };
  }

  sealCase(prevHash: string, f: CaseHistoryFacts): ChainedCaseRow & { hash: string } {
    const row = this.chainedCaseRow(f);
    return { ...row, hash: rowHash(prevHash, row) };
  }
}

export function chainedCaseRow(key: string, f: CaseHistoryFacts, digest = textDigest(f.texts)): ChainedCaseRow {
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

export function chainedResetRow(key: string, f: ResetHistoryFacts, digest = textDigest(f.texts)): ChainedResetRow {
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
