import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { cellFromCsv } from '../csv-cells';
import { cellFromXlsx } from '../xlsx-cells';

export type ExportFormat = 'csv' | 'ndjson' | 'xlsx';
/** A cell: text (CSV, XLSX), or a JSON value (NDJSON: numbers, and the RE_SET payload object). */
export type ExportRecord = Record<string, string | number | boolean | object | null>;

/**
 * Reads the rows of an export file as records keyed by the header, streaming: CSV in either
 * dialect (`,` or `;`, with or without BOM), NDJSON, or XLSX. Cells are decoded to the values
 * they encode (csv-cells.ts, xlsx-cells.ts): neutralised formulas, excel-de dates, date cells.
 */
export async function* exportRecords(
  input: Readable,
  format: ExportFormat,
): AsyncGenerator<ExportRecord> {
  if (format === 'ndjson') {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() !== '') yield JSON.parse(line) as ExportRecord;
    }
    return;
  }
  if (format === 'csv') {
    const parser = input.pipe(
      parse({
        bom: true,
        delimiter: [',', ';'],
        relax_column_count: false,
        skip_empty_lines: true,
      }),
    );
    let header: string[] | null = null;
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = cells;
        continue;
      }
      yield Object.fromEntries(
        header.map((h, i) => [h, cellFromCsv(h, cells[i] === '' ? null : cells[i])]),
      );
    }
    return;
  }
  // Styles tell date cells from numbers (a re-saved file may use other formats than ours).
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
  });
  for await (const sheet of reader) {
    let header: string[] | null = null;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = (row.values as ExcelJS.CellValue[]).slice(1);
      if (!header) {
        header = values.map(String);
        continue;
      }
      yield Object.fromEntries(header.map((h, i) => [h, cellFromXlsx(h, values[i])]));
    }
    break;
  }
}
