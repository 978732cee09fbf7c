import type { ExportFormat } from './verify/export-records';

export const EXPORT_UPLOAD_TYPES = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export function formatOf(contentType: string | undefined): ExportFormat | null {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  const found = Object.entries(EXPORT_UPLOAD_TYPES).find(([, t]) => t === type);
  return found ? (found[0] as ExportFormat) : null;
}
