import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

export type ExportFormat = 'csv' | 'ndjson' | 'xlsx';
/** A cell: text (CSV, XLSX), or a JSON value (NDJSON: numbers, and the RE_SET payload object). */
export type ExportRecord = Record<string, string | number | boolean | object | null>;

/**
 * Reads the rows of an export file as records keyed by the header, streaming: CSV in either
 * dialect (`,` or `;`, with or without BOM), NDJSON, or XLSX.
 */
export async function* exportRecords(input: Readable, format: ExportFormat): AsyncGenerator<ExportRecord> {
  if (format === 'ndjson') {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() !== '') yield JSON.parse(line) as ExportRecord;
    }
    return;
  }
  if (format === 'csv') {
    const parser = input.pipe(parse({ bom: true, delimiter: [',', ';'], relax_column_count: false, skip_empty_lines: true }));
    let header: string[] | null = null;
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = cells;
        continue;
      }
      yield Object.fromEntries(header.map((h, i) => [h, cells[i] === '' ? null : cells[i]]));
    }
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache' });
  for await (const sheet of reader) {
    let header: string[] | null = null;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = (row.values as unknown[]).slice(1).map((v) => (v === undefined || v === null ? null : (v as string | number)));
      if (!header) {
        header = values.map(String);
        continue;
      }
      yield Object.fromEntries(header.map((h, i) => [h, values[i] ?? null]));
    }
    break;
  }
}
