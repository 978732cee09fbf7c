import {
  CASE_FIELDS,
  ChainBreak,
  ChainFormat,
  FieldType,
  GENESIS_HASH,
  isChainFormat,
  RESET_FIELDS,
  rowHash,
} from '../../history-chain/chain';
import { CHAIN_REF, ExportKind } from '../export-columns';
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
  /** SHA-256 over "ref head\n" per chain in file order, as the manifest signs it */
  headsSha256: string;
  broken: BrokenChain[];
}

const FIELDS: Record<ExportKind, Record<ChainFormat, Record<string, FieldType>>> = {
  'phase-history': CASE_FIELDS,
  'reset-history': RESET_FIELDS,
};

/** The export kind a record belongs to, by its first column. */
export function kindOf(record: ExportRecord): ExportKind {
  return 'analysisRef' in record ? 'reset-history' : 'phase-history';
}

/**
 * Recomputes every chain of an export, row by row in file order (rows of one chain are contiguous
 * and in sequence), each row in the chain format it names. A chain that starts at seq 1 must start
 * at the genesis hash; a partial export (filtered by time) anchors at its first row's prevHash.
 * Names the first broken row of each chain. `caseRef` in a report is the chain's ref (caseRef or
 * analysisRef).
 */
export class ExportChainVerifier {
  private readonly heads = new Map<string, string>();
  private readonly broken = new Map<string, BrokenChain>();
  private current: { ref: string; prevHash: string; nextSeq: number } | null = null;
  private rows = 0;
  private kind: ExportKind | null;

  constructor(kind?: ExportKind) {
    this.kind = kind ?? null;
  }

  add(record: ExportRecord): void {
    this.rows++;
    this.kind ??= kindOf(record);
    const ref = textOf(record[CHAIN_REF[this.kind]]) ?? '';
    const row = toChainedRow(this.kind, record);
    if (row === 'unknown_format') return this.markBroken(ref, seqOf(record), 'unknown_format');
    if (!row) return this.markBroken(ref, seqOf(record), 'malformed_row');
    const seq = row.fields.seq as number;
    if (this.current?.ref !== ref) {
      if (this.heads.has(ref)) this.markBroken(ref, seq, 'case_out_of_order');
      this.current = { ref, prevHash: seq === 1 ? GENESIS_HASH : row.prevHash, nextSeq: seq };
    }
    const c = this.current;
    if (seq !== c.nextSeq) this.markBroken(ref, seq, 'sequence_gap');
    else if (row.prevHash !== c.prevHash) this.markBroken(ref, seq, 'prev_hash_mismatch');
    else if (rowHash(row.prevHash, row.format, row.fields) !== row.hash)
      this.markBroken(ref, seq, 'hash_mismatch');
    c.prevHash = row.hash;
    c.nextSeq = seq + 1;
    this.heads.set(ref, row.hash);
  }

  report(): ChainReport {
    return {
      rows: this.rows,
      cases: this.heads.size,
      headsSha256: headsDigest(this.heads),
      broken: [...this.broken.values()],
    };
  }

  /** Only the first break of a chain is reported: everything after it follows from it. */
  private markBroken(ref: string, seq: number | null, reason: BrokenChain['reason']): void {
    if (!this.broken.has(ref)) this.broken.set(ref, { caseRef: ref, seq, reason });
  }
}

function seqOf(record: ExportRecord): number | null {
  const n = integer(record.seq ?? null);
  return typeof n === 'number' ? n : null;
}

const INVALID = Symbol('invalid');

/** A cell as text; an object (NDJSON) in a text column has none, rather than '[object Object]'. */
function textOf(value: ExportRecord[string] | undefined): string | null {
  return value === undefined || value === null || typeof value === 'object' ? null : String(value);
}

/** An integer cell: a JSON number, or text of decimal digits (CSV, XLSX text). */
function integer(value: unknown): number | null | typeof INVALID {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : INVALID;
  return typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value) ? Number(value) : INVALID;
}

/** A cell as the JSON value the hash input holds (docs/verification.md, "Cells to JSON values"). */
function cellValue(type: FieldType, value: ExportRecord[string]): unknown {
  switch (type) {
    case 'integer':
    case 'integer?': {
      const n = integer(value);
      return n === null && type === 'integer' ? INVALID : n;
    }
    case 'object':
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
      if (typeof value !== 'string') return INVALID;
      try {
        const parsed: unknown = JSON.parse(value);
        return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
          ? parsed
          : INVALID;
      } catch {
        return INVALID;
      }
    case 'string':
      return textOf(value) ?? INVALID;
    case 'string?':
      return value === null ? null : (textOf(value) ?? INVALID);
  }
}

function toChainedRow(
  kind: ExportKind,
  r: ExportRecord,
):
  | { format: ChainFormat; fields: Record<string, unknown>; prevHash: string; hash: string }
  | null
  | 'unknown_format' {
  const format = integer(r.chainFormat ?? null);
  if (!isChainFormat(format)) return 'unknown_format';
  const fields: Record<string, unknown> = {};
  for (const [column, type] of Object.entries(FIELDS[kind][format])) {
    const value = cellValue(type, r[column] ?? null);
    if (value === INVALID) return null;
    fields[column] = value;
  }
  if (typeof r.prevHash !== 'string' || typeof r.hash !== 'string') return null;
  return { format, fields, prevHash: r.prevHash, hash: r.hash };
}
