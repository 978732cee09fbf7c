import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsInstant } from '../../common/time/calendar-date';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

const INSTANT =
  'An ISO 8601 date-time with zone (Z or \u00b1HH:MM), e.g. 2026-01-01T08:30:00Z; a date alone ' +
  '(2026-01-01) stands for its midnight UTC';

export class AccessLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The acting user or API key' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'The id of the record read or changed' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  resourceId?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-01-01T00:00:00Z',
    description: `Entries at or after this instant. ${INSTANT}`,
  })
  @IsOptional()
  @IsInstant() // not IsISO8601: it passes week dates (2025-W01) that new Date() cannot read
  from?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-02-01T00:00:00Z',
    description: `Entries before this instant (exclusive). ${INSTANT}`,
  })
  @IsOptional()
  @IsInstant()
  to?: string;
}

// This list pages by 100, not PageQueryDto's 50: the document says so (the checks stay PageQueryDto's).
ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 100 })(
  AccessLogQueryDto.prototype,
  'limit',
);
