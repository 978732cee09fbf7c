import ExcelJS from 'exceljs';
import type { ColumnType, Lang, ReportCell, ReportTable } from '../report';
import { numberCell } from './report-cells';

const SHEETS: Record<Lang, { figures: string; definitions: string }> = {
  de: { figures: 'Zahlen', definitions: 'Definitionen' },
  en: { figures: 'Figures', definitions: 'Definitions' },
};

const HEADINGS: Record<Lang, [string, string, string]> = {
  de: ['Spalte', 'Schlüssel', 'Definition'],
  en: ['Column', 'Key', 'Definition'],
};

const PARAMETERS: Record<Lang, Record<string, string>> = {
  de: {
    heading: 'Parameter',
    report: 'Bericht',
    title: 'Titel',
    offices: 'Stellen',
    from: 'Von',
    to: 'Bis',
    groupBy: 'Gruppiert nach',
    staleDays: 'Unberührt nach Tagen',
    ownCases: 'Nur eigene Fälle',
    generatedAt: 'Erstellt (UTC)',
    yes: 'ja',
  },
  en: {
    heading: 'Parameters',
    report: 'Report',
    title: 'Title',
    offices: 'Offices',
    from: 'From',
    to: 'To',
    groupBy: 'Grouped by',
    staleDays: 'Untouched after days',
    ownCases: 'Own cases only',
    generatedAt: 'Generated (UTC)',
    yes: 'yes',
  },
};

/** Cell formats: '@' is Excel's text format, so ids and codes are never read as numbers. */
const NUM_FMT: Record<ColumnType, Record<Lang, string>> = {
  integer: { de: '0', en: '0' },
  number: { de: '0.0##', en: '0.0##' },
  date: { de: 'dd.mm.yyyy', en: 'yyyy-mm-dd' },
  string: { de: '@', en: '@' },
  uuid: { de: '@', en: '@' },
};

const WIDTH: Record<ColumnType, number> = { integer: 12, number: 12, date: 12, string: 22, uuid: 38 };

/**
 * A report as a workbook. Sheet 1 holds the figures: a header row of the labels in `lang`, then
 * one row per row with typed cells (counts and figures are numbers, dates are date cells of UTC
 * midnight, everything else is text). Sheet 2 holds, per column, its label, key and definition,
 * and then the report's parameters, so the file explains itself to an auditor. Cells are values,
 * never formulas (ExcelJS writes strings as strings).
 */
export async function reportXlsx(t: ReportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = t.generatedAt;
  workbook.title = t.definition.title[t.lang];
  const figures = workbook.addWorksheet(SHEETS[t.lang].figures, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
  });
  figures.columns = t.columns.map((c) => ({
    width: WIDTH[c.type],
    style: { numFmt: NUM_FMT[c.type][t.lang] },
  }));
  const header = figures.addRow(t.columns.map((c) => c.label[t.lang]));
  header.eachCell((cell) => (cell.style = { numFmt: '@', font: { bold: true } }));
  for (const row of t.rows) figures.addRow(t.columns.map((c) => xlsxCell(c.type, row[c.key] ?? null)));
  if (t.columns.length) {
    figures.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: t.rows.length + 1, column: t.columns.length },
    };
  }

  const definitions = workbook.addWorksheet(SHEETS[t.lang].definitions);
  definitions.columns = [{ width: 28 }, { width: 22 }, { width: 100 }].map((c) => ({
    ...c,
    style: { numFmt: '@', alignment: { wrapText: true, vertical: 'top' } },
  }));
  definitions.addRow(HEADINGS[t.lang]).font = { bold: true };
  for (const c of t.columns) definitions.addRow([c.label[t.lang], c.key, c.definition]);
  definitions.addRow([]);
  const p = PARAMETERS[t.lang];
  definitions.addRow([p.heading]).font = { bold: true };
  const parameters: [string, string, string][] = [
    [p.report, 'report', t.definition.name],
    [p.title, 'title', t.definition.title[t.lang]],
    [p.offices, 'officeIds', officesText(t)],
    [p.from, 'from', t.params.from],
    [p.to, 'to', t.params.to],
    [p.groupBy, 'groupBy', t.params.groupBy],
    ...(t.definition.name === 'caseload'
      ? ([[p.staleDays, 'staleDays', String(t.params.staleDays)]] as [string, string, string][])
      : []),
    // Whose cases, never the advisor's id: the file names no person.
    ...(t.params.advisorId ? ([[p.ownCases, 'ownCases', p.yes]] as [string, string, string][]) : []),
    [p.generatedAt, 'generatedAt', t.generatedAt.toISOString()],
  ];
  for (const row of parameters) definitions.addRow(row);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The offices asked for, in their order: "HH-1 Hamburg (id), ...". */
function officesText(t: ReportTable): string {
  const byId = new Map(t.offices.map((o) => [o.id, o]));
  return t.params.officeIds
    .map((id) => {
      const o = byId.get(id);
      return o ? `${o.code} ${o.name} (${id})` : id;
    })
    .join(', ');
}

function xlsxCell(type: ColumnType, value: ReportCell): ExcelJS.CellValue {
  if (value === null) return null;
  if (type === 'integer' || type === 'number') return numberCell(value) ?? String(value);
  if (type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Date(`${value}T00:00:00.000Z`);
  }
  return String(value);
}
