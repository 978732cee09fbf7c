import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsInstant } from '../../common/time/calendar-date';

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

  @ApiPropertyOptional({ description: 'rows at or after' }) @IsOptional() @IsInstant({ message: `from ${MESSAGE}` }) from?: string;
  @ApiPropertyOptional({ description: 'rows before' }) @IsOptional() @IsInstant({ message: `to ${MESSAGE}` }) to?: string;
  @ApiPropertyOptional({ description: 'rows recorded after this time (e.g. the snapshotAt of an earlier export)' })
  @IsOptional()
  @IsInstant({ message: `changedSince ${MESSAGE}` })
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
