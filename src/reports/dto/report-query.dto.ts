import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { commaList } from '../../common/http/list-param';
import { IsCalendarDate } from '../../common/time/calendar-date';
import {
  GROUP_BY,
  LANGS,
  REPORT_FORMATS,
  type GroupBy,
  type Lang,
  type ReportFormat,
} from '../report';

/** The parameters every report takes (GET /api/v1/reports/...). */
export class ReportQueryDto {
  @ApiPropertyOptional({
    type: String,
    description:
      'Comma-separated office ids, each one of the caller\u2019s; all offices the caller may read reports of without it',
    example: '6f1c2e4a-0000-4000-8000-000000000001',
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true, message: 'officeId must be a comma-separated list of UUIDs' })
  officeId?: string[];

  @ApiPropertyOptional({
    format: 'date',
    description: 'First day (Europe/Berlin), inclusive; default: 1 January of the year of `to`',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Last day (Europe/Berlin), inclusive; default: today. At most 10 years after `from`.',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ enum: GROUP_BY, enumName: 'ReportGroupBy', default: 'month' })
  @IsOptional()
  @IsIn(GROUP_BY)
  groupBy?: GroupBy;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    enumName: 'ReportFormat',
    default: 'json',
    description:
      'json; csv (UTF-8 with BOM, semicolons, German or English headers); xlsx (one sheet of figures, one of definitions); svg (a chart)',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({
    enum: LANGS,
    enumName: 'ReportLang',
    description: 'Labels in German or English; default from Accept-Language, else German',
  })
  @IsOptional()
  @IsIn(LANGS)
  lang?: Lang;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 3650,
    default: 60,
    description: 'caseload: days without a change after which an open case counts as untouched',
  })
  @IsOptional()
  // Only plain digits become a number (as the page limit): Number() would read "0x10" too.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value,
  )
  @IsInt()
  @Min(1)
  @Max(3650)
  staleDays?: number;
}
