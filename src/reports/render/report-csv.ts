import { writeToString } from '@fast-csv/format';
import { neutraliseCell } from '../../exports/csv-cells';
import type { ReportCell, ReportColumn, ReportTable } from '../report';
import { isNumberColumn, numberCell } from './report-cells';

/**
 * A report as CSV for German Excel (and anyone else): UTF-8 with a BOM, `;` between cells, CRLF
 * after every record, one header row of the column labels in `lang`, then one record per row.
 * - Numbers are plain digits (no thousands separators); a fraction has a decimal comma in German
 *   (what German Excel reads as a number next to `;`) and a decimal point in English.
 * - Dates stay YYYY-MM-DD (Excel reads them as dates in either locale), nulls are empty cells.
 * - Every text cell, labels included, is neutralised against formula injection as in the
 *   exports (csv-cells.ts): an office named "=SUM(...)" arrives as the text "'=SUM(...)".
 * Quoting (cells holding `;`, quotes or line breaks) is fast-csv's.
 */
export async function reportCsv(t: ReportTable): Promise<Buffer> {
  const header = t.columns.map((c) => neutraliseCell(c.label[t.lang]));
  const records = t.rows.map((row) => t.columns.map((c) => csvCell(c, row[c.key] ?? null, t.lang)));
  const text = await writeToString([header, ...records], {
    delimiter: ';',
    rowDelimiter: '\r\n',
    includeEndRowDelimiter: true,
    writeBOM: true,
    headers: false,
  });
  return Buffer.from(text, 'utf8');
}

function csvCell(c: ReportColumn, value: ReportCell, lang: ReportTable['lang']): string {
  if (value === null) return '';
  if (isNumberColumn(c)) {
    const n = numberCell(value);
    if (n !== null) {
      // String(n) never groups thousands; only 1e21 and beyond would turn exponential.
      const text = String(n);
      return lang === 'de' ? text.replace('.', ',') : text;
    }
  }
  return neutraliseCell(String(value));
}
