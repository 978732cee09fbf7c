import type { ReportFormat, ReportTable } from '../report';
import { reportJson } from './report-json';

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
  switch (format) {
    case 'json':
      return { contentType: REPORT_MEDIA_TYPES.json, fileName: null, body: reportJson(t) };
    default:
      // TODO(issue 14): csv, xlsx, svg (render/).
      return Promise.reject(new Error(`format ${format} is not rendered yet`));
  }
}
