import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsInstant } from '../../common/time/calendar-date';
import { GroupFiltersDto } from '../../group-filters/group-filter.dto';

/**
 * GET /cases: a page, the group filters (src/group-filters: phase, status, fundingRoute and
 * advisorId read the case; the founder filters its founder) and the case list's own filters.
 */
export class CaseListQueryDto extends IntersectionType(PageQueryDto, GroupFiltersDto) {
  @ApiPropertyOptional({ format: 'uuid', description: 'Cases of this founder' })
  @IsOptional()
  @IsUUID()
  founderId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Cases of this office (one of the caller\u2019s)',
  })
  @IsOptional()
  @IsUUID()
  officeId?: string;
  @ApiPropertyOptional({
    description:
      'Only cases changed at or after this instant: an ISO 8601 date or date-time with zone',
    example: '2026-01-01T08:30:00Z',
  })
  @IsOptional()
  @IsInstant()
  updatedSince?: string;
}
