import { HISTORY_TEXT_KEYS } from '../privacy/free-text-fields';

/**
 * The columns of a phase-history export, in order. The chain columns are exactly the fields the
 * hash covers (see history-chain/chain.ts), so a verifier can recompute every hash from a file.
 */
export const CHAIN_COLUMNS = [
  'caseRef',
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
  'machineVersion',
  'daysInPhase',
  'textDigest',
] as const;

export interface ExportShape {
  /** Adds the real case and actor ids (leads only). */
  identities: boolean;
  /** Adds the free texts (leads only). */
  texts: boolean;
}

/** The chain columns with the office code, and ids and texts where the export shape asks for them. */
export function exportColumns(shape: ExportShape): string[] {
  const columns = CHAIN_COLUMNS.flatMap((c): string[] => {
    if (c === 'caseRef') return ['caseRef', ...(shape.identities ? ['caseId'] : []), 'officeCode'];
    if (c === 'actorRef' && shape.identities) return ['actorRef', 'actorId'];
    return [c];
  });
  return [...columns, ...(shape.texts ? HISTORY_TEXT_KEYS : []), 'prevHash', 'hash'];
}

/** SQL expression of each column over case_history h, office o, texts t. */
const EXPRESSIONS: Record<string, string> = {
  caseRef: 'h.case_ref',
  caseId: 'h.case_id::text',
  officeCode: 'o.code',
  seq: 'h.seq',
  // Exactly JavaScript's toISOString(), which is what the hash covers.
  at: `to_char(h.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  event: 'h.event',
  fromPhase: 'h.from_phase',
  toPhase: 'h.to_phase',
  statusBefore: 'h.from_status',
  statusAfter: 'h.to_status',
  actorType: 'h.actor_type',
  actorRef: 'h.actor_ref',
  actorId: 'h.actor_id::text',
  reasonCode: `h.payload->>'reasonCode'`,
  outcome: `h.payload->>'outcome'`,
  followUpOn: `h.payload->>'followUpOn'`,
  machineVersion: 'h.machine_version',
  daysInPhase: 'h.days_in_phase',
  textDigest: 'h.text_digest',
  // The erasable texts of the free-text list, one column each.
  ...Object.fromEntries(HISTORY_TEXT_KEYS.map((key) => [key, `t.texts->>'${key}'`])),
  prevHash: 'h.prev_hash',
  hash: 'h.hash',
};

export interface ExportFilter {
  officeIds: string[];
  from?: string;
  to?: string;
  changedSince?: string;
}

const SCOPE = `
    FROM case_history h
    JOIN founder_case c ON c.id = h.case_id
    JOIN office o ON o.id = c.office_id
   WHERE c.office_id = ANY($1::uuid[])
     AND ($2::timestamptz IS NULL OR h.at >= $2)
     AND ($3::timestamptz IS NULL OR h.at < $3)
     AND ($4::timestamptz IS NULL OR h.at > $4)`;
const TEXTS = 'LEFT JOIN case_history_text t ON t.case_id = h.case_id AND t.seq = h.seq';

function scope(shape: ExportShape): string {
  return shape.texts ? SCOPE.replace('\n   WHERE', `\n    ${TEXTS}\n   WHERE`) : SCOPE;
}

/**
 * The rows of an export, ordered by case and sequence, one column each. Parameters: $1 office ids,
 * $2 from, $3 to, $4 changedSince (timestamptz, null = open).
 */
export function exportSelect(columns: string[], shape: ExportShape): string {
  return `SELECT ${columns.map((c) => `${EXPRESSIONS[c]} AS "${c}"`).join(', ')}${scope(shape)}
   ORDER BY h.case_id, h.seq`;
}

/** The same rows as one JSON object each (for NDJSON through COPY). */
export function ndjsonSelect(columns: string[], shape: ExportShape): string {
  const pairs = columns.map((c) => `'${c}', ${EXPRESSIONS[c]}`).join(', ');
  return `SELECT json_build_object(${pairs})::text${scope(shape)}
   ORDER BY h.case_id, h.seq`;
}
