import type ExcelJS from 'exceljs';
import { CALENDAR_DATE_COLUMNS, TIMESTAMP_COLUMNS } from './csv-cells';

/** Counters: number cells. */
export const INTEGER_COLUMNS: ReadonlySet<string> = new Set([
  'chainFormat',
  'seq',
  'machineVersion',
  'daysInPhase',
]);

export type XlsxCellKind = 'integer' | 'timestamp' | 'date' | 'text';

/**
 * What a column is in a spreadsheet. Everything that is not a counter or a time is text (hashes,
 * refs, ids, codes, JSON): a spreadsheet must never read 64 zeros as the number 0.
 */
export function xlsxKind(column: string): XlsxCellKind {
  if (INTEGER_COLUMNS.has(column)) return 'integer';
  if (TIMESTAMP_COLUMNS.has(column)) return 'timestamp';
  if (CALENDAR_DATE_COLUMNS.has(column)) return 'date';
  return 'text';
}

/**
 * Number formats: '@' is Excel's text format; calendar dates show as TT.MM.JJJJ (as in excel-de),
 * times as UTC to the millisecond, sortable.
 */
export const XLSX_NUM_FMT: Record<XlsxCellKind, string> = {
  integer: '0',
  timestamp: 'yyyy-mm-dd hh:mm:ss.000',
  date: 'dd.mm.yyyy',
  text: '@',
};

/** What an export's SELECT yields per column (export-columns.ts): text, or int for counters. */
export type DatabaseCell = string | number | null;

/** A value from the database as the cell value of its kind. */
export function xlsxValue(kind: XlsxCellKind, value: DatabaseCell): ExcelJS.CellValue {
  if (value === null) return null;
  const text = String(value);
  if (kind === 'integer') return Number(text);
  if (kind === 'text') return text;
  // Dates are written as the instant (UTC midnight for a calendar date); read back exactly.
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date;
}

const MS_PER_DAY = 86_400_000;
const EXCEL_EPOCH_DAYS = 25_569; // 1970-01-01 as an Excel serial (1900 system)

/**
 * A cell read back (ExcelJS, or a file re-saved by a spreadsheet) as the value the hash covers:
 * times as toISOString() text, calendar dates as YYYY-MM-DD, rich text and formula results as
 * their text.
 */
export function cellFromXlsx(column: string, value: ExcelJS.CellValue): string | number | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return timeText(column, value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellFromXlsx(column, value.result);
    if ('text' in value) return value.text; // a hyperlink
    return JSON.stringify(value);
  }
  // A date cell whose format was not recognised as one arrives as its serial number.
  if (typeof value === 'number' && xlsxKind(column) !== 'integer' && xlsxKind(column) !== 'text') {
    return timeText(column, new Date(Math.round((value - EXCEL_EPOCH_DAYS) * MS_PER_DAY)));
  }
  return typeof value === 'number' ? value : String(value);
}

function timeText(column: string, date: Date): string {
  const iso = date.toISOString();
  return xlsxKind(column) === 'date' ? iso.slice(0, 10) : iso;
}
