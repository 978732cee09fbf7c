import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsInstant } from '../../common/time/calendar-date';
import type { ExportFormat } from '../verify/export-records';

const MESSAGE =
  'must be an ISO 8601 date or date-time with zone, e.g. 2026-01-01 or 2026-01-01T00:00:00Z';
const INSTANT =
  'An ISO 8601 date or a date-time with zone, e.g. 2026-01-01 or 2026-01-01T00:00:00Z';

export const EXPORT_FORMATS = ['csv', 'ndjson', 'xlsx'] as const satisfies readonly ExportFormat[];
export const CSV_DIALECTS = ['rfc4180', 'excel-de'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];
/** A yes/no query parameter, spelled out. */
export const QUERY_BOOLEANS = ['true', 'false'] as const;
export type QueryBoolean = (typeof QUERY_BOOLEANS)[number];

export class ExportQueryDto {
  @ApiPropertyOptional({
    enum: EXPORT_FORMATS,
    enumName: 'ExportFormat',
    description: 'The file format of the answer (default csv)',
  })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({
    enum: CSV_DIALECTS,
    enumName: 'CsvDialect',
    description:
      'CSV only (default rfc4180): rfc4180 separates with ","; excel-de with ";" after a BOM, for German Excel',
  })
  @IsOptional()
  @IsIn(CSV_DIALECTS)
  dialect?: CsvDialect;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Only this office (default: every office in which the caller is an auditor or lead)',
  })
  @IsOptional()
  @IsUUID()
  officeId?: string;

  @ApiPropertyOptional({
    description: `Rows at or after this instant. ${INSTANT}`,
    example: '2026-01-01',
  })
  @IsOptional()
  @IsInstant({ message: `from ${MESSAGE}` })
  from?: string;

  @ApiPropertyOptional({
    description: `Rows before this instant. ${INSTANT}`,
    example: '2026-07-01',
  })
  @IsOptional()
  @IsInstant({ message: `to ${MESSAGE}` })
  to?: string;

  @ApiPropertyOptional({
    description: `Rows recorded after this instant: the nextChangedSince of an earlier export\u2019s manifest. ${INSTANT}`,
    example: '2026-03-01T12:00:00Z',
  })
  @IsOptional()
  @IsInstant({ message: `changedSince ${MESSAGE}` })
  changedSince?: string;

  @ApiPropertyOptional({
    enum: QUERY_BOOLEANS,
    enumName: 'QueryBoolean',
    description: 'Default true; false: real ids besides the pseudonyms (leads only)',
  })
  @IsOptional()
  @IsIn(QUERY_BOOLEANS)
  pseudonymize?: QueryBoolean;

  @ApiPropertyOptional({
    enum: QUERY_BOOLEANS,
    enumName: 'QueryBoolean',
    description: 'Default false; true: with the free texts, reasons and notes (leads only)',
  })
  @IsOptional()
  @IsIn(QUERY_BOOLEANS)
  includeText?: QueryBoolean;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({
    enum: EXPORT_FORMATS,
    enumName: 'ExportFormat',
    description: 'The file format (default: from the Content-Type)',
  })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Also check the file against this export\u2019s stored, signed manifest',
  })
  @IsOptional()
  @IsUUID()
  exportId?: string;
}
