import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const MESSAGE = 'must be an ISO 8601 date or date-time with zone, e.g. 2026-01-01 or 2026-01-01T00:00:00Z';

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson', 'xlsx'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'ndjson', 'xlsx'])
  format?: 'csv' | 'ndjson' | 'xlsx';

  @ApiPropertyOptional({ enum: ['rfc4180', 'excel-de'], default: 'rfc4180', description: 'CSV only: excel-de = ";", BOM, decimal commas' })
  @IsOptional()
  @IsIn(['rfc4180', 'excel-de'])
  dialect?: 'rfc4180' | 'excel-de';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  officeId?: string;

  @ApiPropertyOptional({ description: 'rows at or after' }) @IsOptional() @Matches(DATE_TIME, { message: `from ${MESSAGE}` }) from?: string;
  @ApiPropertyOptional({ description: 'rows before' }) @IsOptional() @Matches(DATE_TIME, { message: `to ${MESSAGE}` }) to?: string;
  @ApiPropertyOptional({ description: 'rows recorded after this time (e.g. the snapshotAt of an earlier export)' })
  @IsOptional()
  @Matches(DATE_TIME, { message: `changedSince ${MESSAGE}` })
  changedSince?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: 'false: real ids (leads only)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  pseudonymize?: 'true' | 'false';

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false', description: 'true: reasons and notes (leads only)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeText?: 'true' | 'false';
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson', 'xlsx'], description: 'default: from the content type' })
  @IsOptional()
  @IsIn(['csv', 'ndjson', 'xlsx'])
  format?: 'csv' | 'ndjson' | 'xlsx';

  @ApiPropertyOptional({ format: 'uuid', description: 'check the file against this export\u2019s stored manifest' })
  @IsOptional()
  @IsUUID()
  exportId?: string;
}
