import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import {
  CASE_FIELDS,
  CHAIN_FORMAT,
  ChainedCaseRowV1,
  ChainLink,
  GENESIS_HASH,
  isChainFormat,
  newTextSalt,
  pseudonym,
  RESET_FIELDS,
  rowHash,
  textDigest,
  verifyChain,
} from './chain';
import { chainedCaseRow, chainedResetRow } from './history-sealer';

const row = (seq: number, event: string): ChainedCaseRowV1 => ({
  caseRef: 'c_1',
  seq,
  at: `2026-01-0${seq}T10:00:00.000Z`,
  event,
  fromPhase: 'access',
  toPhase: 'first_counselling',
  statusBefore: 'active',
  statusAfter: 'active',
  actorType: 'user',
  actorRef: 'a_1',
  reasonCode: null,
  outcome: null,
  followUpOn: null,
  machineVersion: 1,
  daysInPhase: null,
  textDigest: null,
});

function chain(rows: object[], formats: (1 | 2)[]): ChainLink[] {
  let prev = GENESIS_HASH;
  return rows.map((fields, i) => {
    const hash = rowHash(prev, formats[i], fields);
    const out = { format: formats[i], fields: fields as { seq: number }, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

const facts = {
  caseId: '6f1c2b1e-0000-4000-8000-000000000001',
  seq: 1,
  at: new Date('2026-01-01T10:00:00.000Z'),
  actorType: 'user',
  actorId: null,
  event: 'RESTART',
  fromPhase: null,
  toPhase: 'planning',
  fromStatus: null,
  toStatus: 'active',
  payload: { resetAnalysisId: '6f1c2b1e-0000-4000-8000-000000000002' },
  machineVersion: 1,
  texts: null,
  officeCode: 'B-1',
};

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('writes scalars as JSON, undefined in an array as null, and sorts keys by code unit', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(-1.5)).toBe('-1.5');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([undefined, null, 'x'])).toBe('[null,null,"x"]');
    // Upper case sorts before lower case, 'a' before 'aa'; equal keys cannot occur in an object.
    expect(canonicalJson({ aa: 2, b: 1, B: 4, a: 3 })).toBe('{"B":4,"a":3,"aa":2,"b":1}');
    expect(canonicalJson({ b: 1, aa: 2, a: 3, B: 4 })).toBe('{"B":4,"a":3,"aa":2,"b":1}');
    expect(canonicalJson({ a: undefined })).toBe('{}');
  });

  it.each([NaN, Infinity, -Infinity])(
    'refuses %p, which JSON would silently turn into null',
    (n) => {
      expect(() => canonicalJson(n)).toThrow('non-finite number');
      expect(() => canonicalJson({ amount: n })).toThrow('non-finite number');
      expect(() => canonicalJson([1, n])).toThrow('non-finite number');
    },
  );
});

describe('hash chain', () => {
  it('starts every chain at 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
  });

  it('accepts an empty chain, and a chain continuing from a given hash', () => {
    expect(verifyChain([])).toBeNull();
    const rows = chain([row(1, 'A'), row(2, 'B'), row(3, 'C')], [1, 1, 1]);
    // An excerpt starting at row 2 verifies from row 1's hash, and not from the genesis.
    expect(verifyChain(rows.slice(1), rows[0].hash)).toBeNull();
    expect(verifyChain(rows.slice(1))).toEqual({ seq: 2, reason: 'prev_hash_mismatch' });
    // A row whose hash was replaced breaks there, and the chain is not checked past it.
    const forged = rows.map((r) => (r.fields.seq === 2 ? { ...r, hash: 'f'.repeat(64) } : r));
    expect(verifyChain(forged)).toEqual({ seq: 2, reason: 'hash_mismatch' });
  });

  it('knows exactly the formats 1 and 2', () => {
    expect(CHAIN_FORMAT).toBe(2);
    expect([0, 1, 2, 3, '1', null].map(isChainFormat)).toEqual([
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('hashes SHA-256 over prevHash and the canonical row with its format (hand-checked vector)', () => {
    // printf '%s\n%s' 0…0 '{"a":1,"v":2}' | sha256sum
    expect(rowHash(GENESIS_HASH, 2, { a: 1 })).toBe(
      'e1e62752956e85a15f082e72c219532f44637672b72c5840cc76a4e7ce640df2',
    );
    expect(rowHash(GENESIS_HASH, 1, { a: 1 })).toBe(
      createHash('sha256').update(`${GENESIS_HASH}\n{"a":1,"v":1}`).digest('hex'),
    );
    expect(rowHash(GENESIS_HASH, 1, { a: 1 })).not.toBe(rowHash(GENESIS_HASH, 2, { a: 1 }));
  });

  it('verifies an intact chain of mixed formats and names the first broken row', () => {
    const v2 = (seq: number, event: string) => ({
      ...row(seq, event),
      officeCode: 'B-1',
      resetAnalysisRef: null,
    });
    const rows = chain([row(1, 'A'), v2(2, 'B'), v2(3, 'C')], [1, 2, 2]);
    expect(verifyChain(rows)).toBeNull();
    const tampered = rows.map((r) =>
      r.fields.seq === 2 ? { ...r, fields: { ...r.fields, officeCode: 'X-9' } } : r,
    );
    expect(verifyChain(tampered)).toEqual({ seq: 2, reason: 'hash_mismatch' });
    // A format-2 row passed off as format 1 (dropping what format 1 does not hash) breaks too.
    expect(verifyChain(rows.map((r) => (r.fields.seq === 3 ? { ...r, format: 1 } : r)))).toEqual({
      seq: 3,
      reason: 'hash_mismatch',
    });
    expect(verifyChain(rows.map((r) => (r.fields.seq === 3 ? { ...r, format: 7 } : r)))).toEqual({
      seq: 3,
      reason: 'unknown_format',
    });
    expect(verifyChain([rows[0], rows[2]])).toEqual({ seq: 3, reason: 'sequence_gap' });
    expect(verifyChain([rows[1], rows[0], rows[2]])).toEqual({
      seq: 2,
      reason: 'prev_hash_mismatch',
    });
  });

  it('salts text digests (format 2) so that a guessed text cannot be confirmed', () => {
    expect(textDigest(null, 'ab')).toBeNull();
    expect(textDigest({}, 'ab')).toBeNull();
    const unsalted = createHash('sha256').update('{"reason":"Krankheit"}').digest('hex');
    expect(textDigest({ reason: 'Krankheit' })).toBe(unsalted); // format 1, kept for old rows
    expect(textDigest({ reason: 'Krankheit' }, 'aa')).not.toBe(unsalted);
    expect(textDigest({ reason: 'Krankheit' }, 'aa')).not.toBe(
      textDigest({ reason: 'Krankheit' }, 'bb'),
    );
    expect(textDigest({ reason: 'k', note: 'x' }, 'aa')).toBe(
      createHash('sha256').update('aa\n{"note":"x","reason":"k"}').digest('hex'),
    );
  });

  it('gives stable keyed pseudonyms that differ by key and kind', () => {
    const id = '6f1c2b1e-0000-4000-8000-000000000001';
    expect(pseudonym('k1', 'case', id)).toBe(pseudonym('k1', 'case', id));
    expect(pseudonym('k1', 'case', id)).not.toBe(pseudonym('k2', 'case', id));
    expect(pseudonym('k1', 'case', id)).not.toBe(pseudonym('k1', 'actor', id).replace(/^a/, 'c'));
    expect(pseudonym('k1', 'case', id)).toMatch(/^c_[0-9a-f]{32}$/);
    // printf '%s' 'case:<id>' | openssl dgst -sha256 -hmac k1, first 32 hex digits
    expect(pseudonym('k1', 'case', id)).toBe('c_99386c4cb3dbfead610b97d5e3da5cf5');
    expect(pseudonym('k1', 'actor', 'u-1')).toBe('a_aa84b8c10bb5eee01bc8ef0ba01b4919');
  });
});

describe('row formats', () => {
  it('hashes every stored field in format 2: office code and the RESTART analysis (as a pseudonym)', () => {
    const v2 = chainedCaseRow('k', facts, 2, null);
    expect(Object.keys(v2).sort()).toEqual(Object.keys(CASE_FIELDS[2]).sort());
    expect(v2).toMatchObject({
      officeCode: 'B-1',
      resetAnalysisRef: pseudonym('k', 'analysis', facts.payload.resetAnalysisId),
    });
    const other = chainedCaseRow(
      'k',
      { ...facts, payload: { resetAnalysisId: '6f1c2b1e-0000-4000-8000-000000000003' } },
      2,
      null,
    );
    expect(rowHash(GENESIS_HASH, 2, other)).not.toBe(rowHash(GENESIS_HASH, 2, v2));
    // Format 1 stays as it was written: no office code, the analysis not covered.
    expect(Object.keys(chainedCaseRow('k', facts, 1, null)).sort()).toEqual(
      Object.keys(CASE_FIELDS[1]).sort(),
    );
  });

  it('refuses to seal a payload field the chain would not cover', () => {
    expect(() => chainedCaseRow('k', { ...facts, payload: { surprise: 1 } }, 2, null)).toThrow(
      /surprise/,
    );
  });

  it('seals RE_SET rows with actor type, office code and ids as pseudonyms', () => {
    const caseId = '6f1c2b1e-0000-4000-8000-000000000009';
    const r = chainedResetRow(
      'k',
      {
        analysisId: facts.caseId,
        seq: 3,
        at: facts.at,
        actorType: 'user',
        actorId: null,
        event: 'DECIDE',
        fromState: 'recommended',
        toState: 'decided',
        payload: { accepted: true, caseId, caseAction: 'created' },
        machineVersion: 1,
        texts: null,
        officeCode: 'B-1',
      },
      2,
      null,
    );
    expect(Object.keys(r).sort()).toEqual(Object.keys(RESET_FIELDS[2]).sort());
    expect(r.payload).toEqual({
      accepted: true,
      caseAction: 'created',
      caseRef: pseudonym('k', 'case', caseId),
    });
    expect(JSON.stringify(r)).not.toContain(caseId);
  });
});

describe('newTextSalt', () => {
  it('gives 16 random bytes as hex, never the same salt twice across refills of its pool', () => {
    const salts = Array.from({ length: 1000 }, () => newTextSalt());
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(salts).size).toBe(salts.length);
  });
});
