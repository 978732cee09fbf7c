import type { ReportFormat, ReportTable } from '../report';
import { reportCsv } from './report-csv';
import { reportJson } from './report-json';
import { reportSvg } from './report-svg';
import { reportXlsx } from './report-xlsx';

/** A rendered report: the body and how to send it. */
export interface RenderedReport {
  contentType: string;
  /** For Content-Disposition (csv, xlsx, svg); null for JSON. */
  fileName: string | null;
  body: string | Buffer | object;
}

/** The media types of the formats (OpenAPI); text is sent with `; charset=utf-8`. */
export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  svg: 'image/svg+xml',
};

/** The file name of a report: funnel-2026-01-01-2026-12-31.csv */
export function reportFileName(t: ReportTable, format: ReportFormat): string {
  return `${t.definition.name}-${t.params.from}-${t.params.to}.${format}`;
}

export async function renderReport(t: ReportTable, format: ReportFormat): Promise<RenderedReport> {
  const fileName = reportFileName(t, format);
  switch (format) {
    case 'json':
      return { contentType: REPORT_MEDIA_TYPES.json, fileName: null, body: reportJson(t) };
    case 'csv':
      return { contentType: `${REPORT_MEDIA_TYPES.csv}; charset=utf-8`, fileName, body: await reportCsv(t) };
    case 'xlsx':
      return { contentType: REPORT_MEDIA_TYPES.xlsx, fileName, body: await reportXlsx(t) };
    case 'svg':
      return { contentType: `${REPORT_MEDIA_TYPES.svg}; charset=utf-8`, fileName, body: await reportSvg(t) };
  }
}
