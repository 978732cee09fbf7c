import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import { GENESIS_HASH, pseudonym, rowHash, textDigest, verifyChain } from './chain';
import {
  CaseHistoryFacts,
  chainedCaseRow,
  chainedResetRow,
  chainPayload,
  HistorySealer,
  pseudonymKey,
  ResetHistoryFacts,
  Sealed,
  StoredCaseHistoryRow,
  StoredResetHistoryRow,
  storedCaseChainState,
  storedResetChainState,
} from './history-sealer';

const KEY = 'test-key';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const sealer = new HistorySealer({ pseudonymKey: KEY, dataDir: '/nonexistent' } as AppConfig);

// Every field set, so that each one has to reach the hash for a stored chain to verify.
const caseFacts = (seq: number, over: Partial<CaseHistoryFacts> = {}): CaseHistoryFacts => ({
  caseId: '6f1c2b1e-0000-4000-8000-000000000001',
  seq,
  at: new Date(`2026-01-0${seq}T10:00:00.000Z`),
  actorType: 'user',
  actorId: '6f1c2b1e-0000-4000-8000-0000000000a1',
  event: 'DROP_OUT',
  fromPhase: 'planning',
  toPhase: 'planning',
  fromStatus: 'active',
  toStatus: 'closed',
  daysInPhase: 12,
  payload: { reasonCode: 'other', outcome: 'employment', followUpOn: '2026-07-01' },
  machineVersion: 1,
  texts: { reason: 'Umzug', note: 'per Telefon' },
  officeCode: 'B-1',
  ...over,
});

const resetFacts = (seq: number, over: Partial<ResetHistoryFacts> = {}): ResetHistoryFacts => ({
  analysisId: '6f1c2b1e-0000-4000-8000-0000000000b1',
  seq,
  at: new Date(`2026-02-0${seq}T09:00:00.000Z`),
  actorType: 'user',
  actorId: '6f1c2b1e-0000-4000-8000-0000000000a1',
  event: 'DECIDE',
  fromState: 'recommended',
  toState: 'decided',
  payload: { accepted: true, caseId: '6f1c2b1e-0000-4000-8000-000000000001' },
  machineVersion: 1,
  texts: { note: 'mit Jobcenter abgestimmt' },
  officeCode: 'B-1',
  ...over,
});

/** A sealed case row as the repository stores it (snake_case columns). */
function storedCase(
  f: CaseHistoryFacts,
  s: Sealed<object>,
  prevHash: string,
): StoredCaseHistoryRow {
  return {
    case_id: f.caseId,
    seq: f.seq,
    at: f.at,
    actor_type: f.actorType,
    actor_id: f.actorId,
    event: f.event,
    from_phase: f.fromPhase,
    to_phase: f.toPhase,
    from_status: f.fromStatus,
    to_status: f.toStatus,
    payload: f.payload,
    machine_version: f.machineVersion,
    days_in_phase: f.daysInPhase ?? null,
    chain_format: s.format,
    office_code: f.officeCode ?? null,
    prev_hash: prevHash,
    hash: s.hash,
    text_digest: (s as unknown as { textDigest: string | null }).textDigest,
    texts: f.texts,
    salt: s.salt,
  };
}

function storedReset(
  f: ResetHistoryFacts,
  s: Sealed<object>,
  prevHash: string,
): StoredResetHistoryRow {
  return {
    analysis_id: f.analysisId,
    seq: f.seq,
    at: f.at,
    actor_type: f.actorType ?? 'user',
    actor_id: f.actorId,
    event: f.event,
    from_state: f.fromState,
    to_state: f.toState,
    payload: f.payload,
    machine_version: f.machineVersion,
    chain_format: s.format,
    office_code: f.officeCode ?? null,
    prev_hash: prevHash,
    hash: s.hash,
    text_digest: (s as unknown as { textDigest: string | null }).textDigest,
    texts: f.texts,
    salt: s.salt,
  };
}

function sealedCaseChain(facts: CaseHistoryFacts[]): StoredCaseHistoryRow[] {
  let prev = GENESIS_HASH;
  return facts.map((f) => {
    const s = sealer.sealCase(prev, f);
    const row = storedCase(f, s, prev);
    prev = s.hash;
    return row;
  });
}

describe('HistorySealer', () => {
  it('seals a case row with its texts digested under a fresh salt, in the current format', () => {
    const f = caseFacts(1);
    const sealed = sealer.sealCase(GENESIS_HASH, f);
    expect(sealed.format).toBe(2);
    expect(sealed.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(sealed.textDigest).toBe(
      sha256(`${sealed.salt}\n{"note":"per Telefon","reason":"Umzug"}`),
    );
    const { hash, format, salt, ...fields } = sealed;
    expect(fields).toEqual(chainedCaseRow(KEY, f, 2, sealed.textDigest));
    expect(hash).toBe(rowHash(GENESIS_HASH, 2, fields));
    expect(verifyChain([{ format, fields, prevHash: GENESIS_HASH, hash }])).toBeNull();
    // Each row gets its own salt, so the same text never gives the same digest twice.
    expect(sealer.sealCase(GENESIS_HASH, f).salt).not.toBe(salt);
  });

  it('seals a row without texts with neither salt nor digest', () => {
    const sealed = sealer.sealCase(GENESIS_HASH, caseFacts(1, { texts: null }));
    expect(sealed).toMatchObject({ salt: null, textDigest: null, format: 2 });
  });

  it('seals a RE_SET row with its texts digested and its case id as a pseudonym', () => {
    const f = resetFacts(1);
    const sealed = sealer.sealReset(GENESIS_HASH, f);
    expect(sealed.format).toBe(2);
    expect(sealed.textDigest).toBe(sha256(`${sealed.salt}\n{"note":"mit Jobcenter abgestimmt"}`));
    const { hash, format: _format, salt: _salt, ...fields } = sealed;
    expect(fields).toEqual(chainedResetRow(KEY, f, 2, sealed.textDigest));
    expect(hash).toBe(rowHash(GENESIS_HASH, 2, fields));
    expect(sealer.sealReset(GENESIS_HASH, resetFacts(1, { texts: null }))).toMatchObject({
      salt: null,
      textDigest: null,
    });
  });

  it('uses the configured pseudonym key, or one it generates once and keeps in the data dir', () => {
    expect(pseudonymKey({ pseudonymKey: 'configured', dataDir: '/nonexistent' } as AppConfig)).toBe(
      'configured',
    );
    const dir = mkdtempSync(join(tmpdir(), 'lotse-sealer-'));
    try {
      const config = { pseudonymKey: null, dataDir: dir } as AppConfig;
      const key = pseudonymKey(config);
      expect(readFileSync(join(dir, 'pseudonym-key'), 'utf8').trim()).toBe(key);
      expect(pseudonymKey(config)).toBe(key);
      expect(existsSync(join(dir, 'pseudonym-key'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chainedCaseRow', () => {
  it('maps the facts to the hashed fields, ids as keyed pseudonyms (format 2)', () => {
    const f = caseFacts(2);
    expect(chainedCaseRow(KEY, f, 2, 'd'.repeat(64))).toEqual({
      caseRef: pseudonym(KEY, 'case', f.caseId),
      seq: 2,
      at: '2026-01-02T10:00:00.000Z',
      event: 'DROP_OUT',
      fromPhase: 'planning',
      toPhase: 'planning',
      statusBefore: 'active',
      statusAfter: 'closed',
      actorType: 'user',
      actorRef: pseudonym(KEY, 'actor', f.actorId!),
      reasonCode: 'other',
      outcome: 'employment',
      followUpOn: '2026-07-01',
      machineVersion: 1,
      daysInPhase: 12,
      textDigest: 'd'.repeat(64),
      officeCode: 'B-1',
      resetAnalysisRef: null,
    });
  });

  it('writes null for a system actor, a missing day count and payload values that are not text', () => {
    const row = chainedCaseRow(
      KEY,
      caseFacts(1, {
        actorId: null,
        daysInPhase: undefined,
        payload: { reasonCode: 7, outcome: null, resetAnalysisId: 42 },
      }),
      2,
      null,
    );
    expect(row).toMatchObject({
      actorRef: null,
      daysInPhase: null,
      reasonCode: null,
      outcome: null,
      followUpOn: null,
      resetAnalysisRef: null,
      textDigest: null,
    });
  });

  it('keeps format 1 as written: no office code needed, payload keys not checked', () => {
    const row = chainedCaseRow(
      KEY,
      caseFacts(1, { officeCode: undefined, payload: { legacy: 'x' } }),
      1,
      null,
    );
    expect(row).not.toHaveProperty('officeCode');
    expect(row).not.toHaveProperty('resetAnalysisRef');
  });

  it('names every payload key the chain would not cover, and a missing office code', () => {
    expect(() =>
      chainedCaseRow(
        KEY,
        caseFacts(1, { payload: { surprise: 1, outcome: 'x', extra: 2 } }),
        2,
        null,
      ),
    ).toThrow(new Error('case history payload keys not covered by the chain: surprise, extra'));
    expect(() => chainedCaseRow(KEY, caseFacts(1, { officeCode: undefined }), 2, null)).toThrow(
      new Error('officeCode is needed to seal a history row'),
    );
  });
});

describe('chainedResetRow', () => {
  it('maps the facts to the hashed fields in format 2', () => {
    const f = resetFacts(3);
    expect(chainedResetRow(KEY, f, 2, null)).toEqual({
      analysisRef: pseudonym(KEY, 'analysis', f.analysisId),
      seq: 3,
      at: '2026-02-03T09:00:00.000Z',
      event: 'DECIDE',
      fromState: 'recommended',
      toState: 'decided',
      actorRef: pseudonym(KEY, 'actor', f.actorId!),
      machineVersion: 1,
      textDigest: null,
      payload: { accepted: true, caseRef: pseudonym(KEY, 'case', String(f.payload.caseId)) },
      officeCode: 'B-1',
      actorType: 'user',
    });
  });

  it('keeps format 1 as written: the raw payload, no office code or actor type', () => {
    const f = resetFacts(1, { actorId: null, officeCode: undefined, actorType: undefined });
    const row = chainedResetRow(KEY, f, 1, null);
    expect(row).toEqual({
      analysisRef: pseudonym(KEY, 'analysis', f.analysisId),
      seq: 1,
      at: '2026-02-01T09:00:00.000Z',
      event: 'DECIDE',
      fromState: 'recommended',
      toState: 'decided',
      actorRef: null,
      machineVersion: 1,
      textDigest: null,
      payload: f.payload,
    });
  });

  it('needs an office code and an actor type from format 2 on', () => {
    expect(() => chainedResetRow(KEY, resetFacts(1, { officeCode: undefined }), 2, null)).toThrow(
      new Error('officeCode is needed to seal a history row'),
    );
    expect(() => chainedResetRow(KEY, resetFacts(1, { actorType: undefined }), 2, null)).toThrow(
      new Error('actorType is needed to seal a history row'),
    );
  });

  it('leaves a payload without a case id as it is', () => {
    expect(chainPayload(KEY, { accepted: false })).toEqual({ accepted: false });
  });
});

describe('stored chains', () => {
  it('recompute every field of stored case rows, in the format each was sealed in', () => {
    const rows = sealedCaseChain([
      caseFacts(1),
      caseFacts(2, {
        actorId: null,
        actorType: 'system',
        payload: { resetAnalysisId: '6f1c2b1e-0000-4000-8000-0000000000b1' },
      }),
    ]);
    expect(storedCaseChainState(KEY, rows)).toEqual({
      valid: true,
      length: 2,
      head: rows[1].hash,
      firstBroken: null,
    });
    expect(sealer.storedCaseChain(rows)).toEqual(storedCaseChainState(KEY, rows));
    // A different key gives different pseudonyms, so none of the hashes recompute.
    expect(storedCaseChainState('other-key', rows).firstBroken).toEqual({
      seq: 1,
      reason: 'hash_mismatch',
    });
  });

  it('names the first row whose stored column no longer matches its hash', () => {
    const rows = sealedCaseChain([caseFacts(1), caseFacts(2), caseFacts(3)]);
    const changed: Partial<StoredCaseHistoryRow>[] = [
      { case_id: '6f1c2b1e-0000-4000-8000-000000000009' },
      { at: new Date('2026-01-02T10:00:01.000Z') },
      { actor_type: 'system' },
      { actor_id: null },
      { event: 'PAUSE' },
      { from_phase: 'launch' },
      { to_phase: 'launch' },
      { from_status: 'paused' },
      { to_status: 'active' },
      { payload: { reasonCode: 'moved', outcome: 'employment', followUpOn: '2026-07-01' } },
      { machine_version: 2 },
      { days_in_phase: 13 },
      { office_code: 'B-2' },
      { text_digest: null, texts: null, salt: null },
    ];
    for (const change of changed) {
      const tampered = rows.map((r) => (r.seq === 2 ? { ...r, ...change } : r));
      expect([change, storedCaseChainState(KEY, tampered).firstBroken]).toEqual([
        change,
        { seq: 2, reason: 'hash_mismatch' },
      ]);
    }
  });

  it('checks kept texts against their digest; an erased text is not a break', () => {
    const rows = sealedCaseChain([caseFacts(1), caseFacts(2), caseFacts(3)]);
    const edited = rows.map((r) => (r.seq >= 2 ? { ...r, texts: { reason: 'anders' } } : r));
    expect(storedCaseChainState(KEY, edited)).toEqual({
      valid: false,
      length: 3,
      head: rows[2].hash,
      firstBroken: { seq: 2, reason: 'text_mismatch' },
    });
    const resalted = rows.map((r) => (r.seq === 3 ? { ...r, salt: '0'.repeat(32) } : r));
    expect(storedCaseChainState(KEY, resalted).firstBroken).toEqual({
      seq: 3,
      reason: 'text_mismatch',
    });
    const erased = rows.map((r) => (r.seq === 2 ? { ...r, texts: null, salt: null } : r));
    expect(storedCaseChainState(KEY, erased)).toMatchObject({ valid: true, firstBroken: null });
  });

  it('reports a broken link before a text mismatch further up the chain', () => {
    const rows = sealedCaseChain([caseFacts(1), caseFacts(2), caseFacts(3)]);
    const both = rows.map((r) =>
      r.seq === 1 ? { ...r, texts: { reason: 'anders' } } : r.seq === 3 ? { ...r, event: 'X' } : r,
    );
    expect(storedCaseChainState(KEY, both).firstBroken).toEqual({
      seq: 3,
      reason: 'hash_mismatch',
    });
  });

  it('checks a format-1 row against its unsalted digest', () => {
    const f = caseFacts(1, { officeCode: undefined });
    const digest = textDigest(f.texts);
    const fields = chainedCaseRow(KEY, f, 1, digest);
    const hash = rowHash(GENESIS_HASH, 1, fields);
    const row = storedCase(f, { ...fields, hash, format: 1, salt: null }, GENESIS_HASH);
    expect(storedCaseChainState(KEY, [row])).toMatchObject({ valid: true, head: hash });
    // Format 1 never had a salt: one found next to it is not used for the digest.
    expect(storedCaseChainState(KEY, [{ ...row, salt: 'ab' }]).valid).toBe(true);
    expect(storedCaseChainState(KEY, [{ ...row, texts: { reason: 'x' } }]).firstBroken).toEqual({
      seq: 1,
      reason: 'text_mismatch',
    });
  });

  it('is valid and empty without rows', () => {
    expect(storedCaseChainState(KEY, [])).toEqual({
      valid: true,
      length: 0,
      head: null,
      firstBroken: null,
    });
  });

  it('recompute stored RE_SET rows, every column covered', () => {
    let prev = GENESIS_HASH;
    const rows = [resetFacts(1), resetFacts(2, { actorId: null, texts: null })].map((f) => {
      const s = sealer.sealReset(prev, f);
      const row = storedReset(f, s, prev);
      prev = s.hash;
      return row;
    });
    expect(storedResetChainState(KEY, rows)).toEqual({
      valid: true,
      length: 2,
      head: rows[1].hash,
      firstBroken: null,
    });
    expect(sealer.storedResetChain(rows)).toEqual(storedResetChainState(KEY, rows));
    const changed: Partial<StoredResetHistoryRow>[] = [
      { analysis_id: '6f1c2b1e-0000-4000-8000-0000000000b9' },
      { at: new Date('2026-02-01T09:00:01.000Z') },
      { actor_type: 'system' },
      { actor_id: '6f1c2b1e-0000-4000-8000-0000000000a2' },
      { event: 'REJECT' },
      { from_state: 'draft' },
      { to_state: 'rejected' },
      { payload: { accepted: false } },
      { machine_version: 2 },
      { office_code: 'B-2' },
    ];
    for (const change of changed) {
      const tampered = rows.map((r) => (r.seq === 1 ? { ...r, ...change } : r));
      expect([change, storedResetChainState(KEY, tampered).firstBroken]).toEqual([
        change,
        { seq: 1, reason: 'hash_mismatch' },
      ]);
    }
  });
});
