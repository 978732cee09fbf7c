import { ChainBreak, ChainedCaseRow, GENESIS_HASH, rowHash } from '../../history-chain/chain';
import { CHAIN_COLUMNS } from '../export-columns';
import { headsDigest } from '../export-tally';
import type { ExportRecord } from './export-records';

export interface BrokenChain {
  caseRef: string;
  seq: number | null;
  reason: ChainBreak['reason'] | 'case_out_of_order' | 'malformed_row';
}

export interface ChainReport {
  rows: number;
  cases: number;
  /** SHA-256 over "caseRef head\n" per case in file order, as the manifest signs it */
  headsSha256: string;
  broken: BrokenChain[];
}

const INTEGER = new Set(['seq', 'machineVersion']);
const OPTIONAL_INTEGER = new Set(['daysInPhase']);

/**
 * Recomputes every chain of an export, row by row in file order (rows of one case are contiguous
 * and in sequence). A chain that starts at seq 1 must start at the genesis hash; a partial export
 * (filtered by time) anchors at its first row's prevHash. Names the first broken row of each chain.
 */
export class ExportChainVerifier {
  private readonly heads = new Map<string, string>();
  private readonly broken = new Map<string, BrokenChain>();
  private current: { caseRef: string; prevHash: string; nextSeq: number } | null = null;
  private rows = 0;

  add(record: ExportRecord): void {
    this.rows++;
    const row = toChainedRow(record);
    const caseRef = String(record.caseRef ?? '');
    if (!row) return this.markBroken(caseRef, null, 'malformed_row');
    if (this.current?.caseRef !== caseRef) {
      if (this.heads.has(caseRef)) this.markBroken(caseRef, row.fields.seq, 'case_out_of_order');
      this.current = { caseRef, prevHash: row.fields.seq === 1 ? GENESIS_HASH : row.prevHash, nextSeq: row.fields.seq };
    }
    const c = this.current;
    if (row.fields.seq !== c.nextSeq) this.markBroken(caseRef, row.fields.seq, 'sequence_gap');
    else if (row.prevHash !== c.prevHash) this.markBroken(caseRef, row.fields.seq, 'prev_hash_mismatch');
    else if (rowHash(row.prevHash, row.fields) !== row.hash) this.markBroken(caseRef, row.fields.seq, 'hash_mismatch');
    c.prevHash = row.hash;
    c.nextSeq = row.fields.seq + 1;
    this.heads.set(caseRef, row.hash);
  }

  report(): ChainReport {
    return { rows: this.rows, cases: this.heads.size, headsSha256: headsDigest(this.heads), broken: [...this.broken.values()] };
  }

  /** Only the first break of a chain is reported: everything after it follows from it. */
  private markBroken(caseRef: string, seq: number | null, reason: BrokenChain['reason']): void {
    if (!this.broken.has(caseRef)) this.broken.set(caseRef, { caseRef, seq, reason });
  }
}

function toChainedRow(r: ExportRecord): { fields: ChainedCaseRow; prevHash: string; hash: string } | null {
  const fields: Record<string, string | number | null> = {};
  for (const column of CHAIN_COLUMNS) {
    const value = r[column] ?? null;
    if (OPTIONAL_INTEGER.has(column)) {
      const n = value === null ? null : Number(value);
      if (n !== null && !Number.isInteger(n)) return null;
      fields[column] = n;
    } else if (INTEGER.has(column)) {
      const n = Number(value);
      if (value === null || !Number.isInteger(n)) return null;
      fields[column] = n;
    } else {
      fields[column] = value === null ? null : String(value);
    }
  }
  if (typeof r.prevHash !== 'string' || typeof r.hash !== 'string') return null;
  return { fields: fields as unknown as ChainedCaseRow, prevHash: r.prevHash, hash: r.hash };
}
