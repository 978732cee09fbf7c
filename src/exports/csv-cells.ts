/**
 * How a value becomes a CSV cell and back, in both dialects. The hash covers the values, so every
 * encoding here is reversed exactly by `cellFromCsv` before a verifier rebuilds the JSON values.
 *
 * Formula neutralisation (OWASP "CSV injection"): a spreadsheet runs a cell that starts with
 * `=`, `+`, `-`, `@`, tab or carriage return as a formula. Rule, for every cell of every column:
 *   write: a value that matches  ^'*[=+\-@\t\r]  (any run of apostrophes, then a trigger) gets one
 *          more leading apostrophe;
 *   read:  a cell that matches   ^'+[=+\-@\t\r]  loses its first character (one apostrophe).
 * Values with a leading apostrophe before a trigger are prefixed too, so the mapping is reversible:
 * `=1` is written `'=1`, and `'=1` is written `''=1`. Anything else is written as it is.
 *
 * Calendar dates (excel-de only): a date column holding YYYY-MM-DD is written DD.MM.YYYY (what
 * German Excel reads as a date); a verifier reads a DD.MM.YYYY cell of such a column back as
 * YYYY-MM-DD, in either dialect. Timestamps (`at`) stay ISO 8601 text everywhere, as hashed.
 */

/** The characters that make a spreadsheet read a cell as a formula. */
const NEUTRALISE = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** Columns that hold a calendar date (YYYY-MM-DD) as hashed. */
export const CALENDAR_DATE_COLUMNS: ReadonlySet<string> = new Set(['followUpOn']);
/** Columns that hold a timestamp, hashed as JavaScript's toISOString() text. */
export const TIMESTAMP_COLUMNS: ReadonlySet<string> = new Set(['at']);

export function neutraliseCell(value: string): string {
  return NEUTRALISE.test(value) ? `'${value}` : value;
}

export function unneutraliseCell(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DE_DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;

export const toGermanDate = (iso: string): string => iso.replace(ISO_DATE, '$3.$2.$1');
export const fromGermanDate = (cell: string): string => cell.replace(DE_DATE, '$3-$2-$1');

/** A CSV cell (already unquoted, '' read as null) as the text value it encodes. */
export function cellFromCsv(column: string, cell: string | null): string | null {
  if (cell === null) return null;
  const value = unneutraliseCell(cell);
  return CALENDAR_DATE_COLUMNS.has(column) ? fromGermanDate(value) : value;
}

export type CsvDialect = 'rfc4180' | 'excel-de';

/**
 * Columns that the system writes in a fixed form that never starts with a trigger (hex digests,
 * UUIDs, ISO times, counters from 1): encoding them would change nothing, so COPY skips the work.
 */
const NEVER_TRIGGERED = new Set([
  'hash',
  'prevHash',
  'textDigest',
  'at',
  'seq',
  'chainFormat',
  'machineVersion',
  'caseId',
  'analysisId',
  'actorId',
]);

/**
 * The SQL that COPY writes for a column: the same encoding as `neutraliseCell` and
 * `toGermanDate`, done in PostgreSQL so the rows still leave it as bytes. Every other value is
 * cast to text first (integers print the same), so a column added later is covered too.
 */
export function csvCellSql(dialect: CsvDialect) {
  return (column: string, sql: string): string => {
    if (NEVER_TRIGGERED.has(column)) return sql;
    let text = `(${sql})::text`;
    if (dialect === 'excel-de' && CALENDAR_DATE_COLUMNS.has(column)) {
      text = `regexp_replace(${text}, '^([0-9]{4})-([0-9]{2})-([0-9]{2})$', '\\3.\\2.\\1')`;
    }
    return `regexp_replace(${text}, '^(''*[=+@\\t\\r-])', '''\\1')`;
  };
}
