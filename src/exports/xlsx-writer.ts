import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import type { ExportTally } from './export-tally';

const NUMERIC = new Set(['chainFormat', 'seq', 'machineVersion', 'daysInPhase']);

/**
 * XLSX through a server-side cursor and ExcelJS's streaming writer: rows are read in batches and
 * committed to the zip stream one by one, so neither the result nor the sheet is held in memory.
 * Every value but the counters is written as text, so hashes and times stay exactly as hashed.
 */
export async function writeXlsx(
  client: PoolClient,
  sql: string,
  params: unknown[],
  columns: string[],
  out: Writable,
  tally: ExportTally,
): Promise<void> {
  const caseRef = 0; // the chain's ref (caseRef or analysisRef) is the first column
  const hash = columns.indexOf('hash');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const sheet = workbook.addWorksheet('phase-history');
  sheet.addRow(columns).commit();
  const rows = client.query(new QueryStream(sql, params, { batchSize: 1000, rowMode: 'array' }));
  for await (const row of rows as AsyncIterable<unknown[]>) {
    const values = row.map((v, i) => (v === null ? null : NUMERIC.has(columns[i]) ? Number(v) : String(v)));
    sheet.addRow(values).commit();
    tally.add(String(row[caseRef]), String(row[hash]));
    if (tally.congested) await tally.drained();
  }
  sheet.commit();
  await workbook.commit();
}
