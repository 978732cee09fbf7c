import { CASE_FIELDS, CHAIN_FORMAT, RESET_FIELDS } from '../history-chain/chain';
import { HISTORY_TEXT_KEYS } from '../privacy/free-text-fields';

/** What an export carries: the phase history of cases, or the history of RE_SET analyses. */
export type ExportKind = 'phase-history' | 'reset-history';

/**
 * The columns of each export kind, in order. The chain columns are exactly the fields the newest
 * chain format hashes (see history-chain/chain.ts) plus the row's format, so a verifier can
 * recompute every hash from a file; rows of an older format hash a subset of them.
 */
export const CHAIN_COLUMNS: Record<ExportKind, readonly string[]> = {
  'phase-history': [
    'caseRef',
    'officeCode',
    'chainFormat',
    'seq',
    'at',
    'event',
    'fromPhase',
    'toPhase',
    'statusBefore',
    'statusAfter',
    'actorType',
    'actorRef',
    'reasonCode',
    'outcome',
    'followUpOn',
    'resetAnalysisRef',
    'machineVersion',
    'daysInPhase',
    'textDigest',
  ],
  'reset-history': [
    'analysisRef',
    'officeCode',
    'chainFormat',
    'seq',
    'at',
    'event',
    'fromState',
    'toState',
    'actorType',
    'actorRef',
    'payload',
    'machineVersion',
    'textDigest',
  ],
};

/** The first column of each kind: the chain a row belongs to. */
export const CHAIN_REF: Record<ExportKind, 'caseRef' | 'analysisRef'> = {
  'phase-history': 'caseRef',
  'reset-history': 'analysisRef',
};

// Every hashed field of the newest format is a column (checked by the unit test of this file).
export const NEWEST_FIELDS: Record<ExportKind, Record<string, unknown>> = {
  'phase-history': CASE_FIELDS[CHAIN_FORMAT],
  'reset-history': RESET_FIELDS[CHAIN_FORMAT],
};

export interface ExportShape {
  /** Adds the real ids (leads only). */
  identities: boolean;
  /** Adds the free texts (leads only). */
  texts: boolean;
  /** phase-history when absent. */
  kind?: ExportKind;
}

const ID_COLUMN = { caseRef: 'caseId', analysisRef: 'analysisId' } as const;

/** The chain columns, with ids and texts where the export shape asks for them. */
export function exportColumns(shape: ExportShape): string[] {
  const kind = shape.kind ?? 'phase-history';
  const columns = CHAIN_COLUMNS[kind].flatMap((c): string[] => {
    if ((c === 'caseRef' || c === 'analysisRef') && shape.identities) return [c, ID_COLUMN[c]];
    if (c === 'actorRef' && shape.identities) return ['actorRef', 'actorId'];
    return [c];
  });
  return [...columns, ...(shape.texts ? HISTORY_TEXT_KEYS : []), 'prevHash', 'hash'];
}

/**
 * Whether the export's offices hold the row's record now. Rows an office wrote of a record it has
 * since handed over (src/transfers) stay in its exports, pseudonymised only: the person is no
 * longer its to name, so their ids and texts are left out even with exports.identities.
 */
const HELD = 'h.office_id = ANY($1::uuid[])';

// Exactly JavaScript's toISOString(), which is what the hash covers.
const AT = `to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const COMMON: Record<string, string> = {
  // Format-1 rows did not store the office code: they show the case's office (not hashed).
  officeCode: 'COALESCE(h.office_code, o.code)',
  chainFormat: 'h.chain_format',
  seq: 'h.seq',
  at: AT,
  event: 'h.event',
  actorType: 'h.actor_type',
  actorRef: 'h.actor_ref',
  actorId: `CASE WHEN ${HELD} THEN h.actor_id::text END`,
  machineVersion: 'h.machine_version',
  textDigest: 'h.text_digest',
  // The erasable texts of the free-text list, one column each.
  ...Object.fromEntries(HISTORY_TEXT_KEYS.map((key) => [key, `t.texts->>'${key}'`])),
  prevHash: 'h.prev_hash',
  hash: 'h.hash',
};

/** SQL expression of each column over the history h, its office o and texts t. */
const EXPRESSIONS: Record<ExportKind, Record<string, string>> = {
  'phase-history': {
    ...COMMON,
    caseRef: 'h.case_ref',
    caseId: `CASE WHEN ${HELD} THEN h.case_id::text END`,
    fromPhase: 'h.from_phase',
    toPhase: 'h.to_phase',
    statusBefore: 'h.from_status',
    statusAfter: 'h.to_status',
    reasonCode: `h.payload->>'reasonCode'`,
    outcome: `h.payload->>'outcome'`,
    followUpOn: `h.payload->>'followUpOn'`,
    resetAnalysisRef: 'h.reset_analysis_ref',
    daysInPhase: 'h.days_in_phase',
  },
  'reset-history': {
    ...COMMON,
    analysisRef: 'h.analysis_ref',
    analysisId: `CASE WHEN ${HELD} THEN h.analysis_id::text END`,
    fromState: 'h.from_state',
    toState: 'h.to_state',
    // The payload as hashed: ids as pseudonyms from format 2 on; JSON text in CSV and XLSX.
    payload: 'COALESCE(h.chain_payload, h.payload)::text',
  },
};
const NDJSON_OVERRIDES: Record<string, string> = {
  payload: 'COALESCE(h.chain_payload, h.payload)',
};

export interface ExportFilter {
  officeIds: string[];
  from?: string;
  to?: string;
  changedSince?: string;
}

const FILTERS = `
     AND ($2::timestamptz IS NULL OR h.at >= $2)
     AND ($3::timestamptz IS NULL OR h.at < $3)
     AND ($4::timestamptz IS NULL OR h.at > $4)`;

/**
 * The rows of an office: every row of the records it holds, and the rows it wrote of records it
 * handed over (written_office_id, through its partial index). The office code of a format-1 row
 * (not hashed) is that of the office that wrote it.
 */
const rowsOf = (history: string, parent: string, key: string): string => `FROM (
      SELECT h.* FROM ${parent} p JOIN ${history} h ON h.${key} = p.id WHERE p.office_id = ANY($1::uuid[])
      UNION ALL
      SELECT h.* FROM ${history} h
       WHERE h.written_office_id = ANY($1::uuid[]) AND h.written_office_id <> h.office_id
         AND NOT ${HELD}) h
    JOIN office o ON o.id = h.written_office_id`;

const SCOPE: Record<ExportKind, { from: string; texts: string; where: string; order: string }> = {
  'phase-history': {
    from: rowsOf('case_history', 'founder_case', 'case_id'),
    // A text moves with its record: only the holder's texts are joined.
    texts: `LEFT JOIN case_history_text t ON t.case_id = h.case_id AND t.seq = h.seq AND ${HELD}`,
    where: 'WHERE true',
    order: 'ORDER BY h.case_id, h.seq',
  },
  'reset-history': {
    from: rowsOf('reset_history', 'reset_analysis', 'analysis_id'),
    texts: `LEFT JOIN reset_history_text t ON t.analysis_id = h.analysis_id AND t.seq = h.seq AND ${HELD}`,
    where: 'WHERE true',
    order: 'ORDER BY h.analysis_id, h.seq',
  },
};

function scope(shape: ExportShape): string {
  const s = SCOPE[shape.kind ?? 'phase-history'];
  return `
    ${s.from}${shape.texts ? `\n    ${s.texts}` : ''}
   ${s.where}${FILTERS}
   ${s.order}`;
}

const expression = (shape: ExportShape, column: string): string =>
  EXPRESSIONS[shape.kind ?? 'phase-history'][column];

/**
 * The rows of an export, ordered by chain and sequence, one column each. Parameters: $1 office ids,
 * $2 from, $3 to, $4 changedSince (timestamptz, null = open).
 */
export function exportSelect(
  columns: string[],
  shape: ExportShape,
  // How a value becomes a cell (CSV: csv-cells.ts); the value itself when absent.
  cell: (column: string, sql: string) => string = (_c, sql) => sql,
): string {
  return `SELECT ${columns.map((c) => `${cell(c, expression(shape, c))} AS "${c}"`).join(', ')}${scope(shape)}`;
}

/** The same rows as one JSON object each (for NDJSON through COPY). */
export function ndjsonSelect(columns: string[], shape: ExportShape): string {
  const pairs = columns
    .map((c) => `'${c}', ${NDJSON_OVERRIDES[c] ?? expression(shape, c)}`)
    .join(', ');
  return `SELECT json_build_object(${pairs})::text${scope(shape)}`;
}
