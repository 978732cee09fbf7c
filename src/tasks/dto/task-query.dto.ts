import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMinSize, IsIn, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { commaList } from '../../common/http/list-param';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { DUE_FILTERS, TASK_KINDS, type DueFilter, type TaskKind } from '../task';

export class TaskListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Tasks of this office (one of the caller\u2019s)',
  })
  @IsOptional()
  @IsUUID()
  officeId?: string;

  @ApiPropertyOptional({
    description:
      'Tasks assigned to this user (a case\u2019s advisor, a manual task\u2019s assignee); `me`: the caller',
    example: 'me',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== 'me')
  @IsUUID(undefined, { message: 'assigneeId must be me or a UUID' })
  assigneeId?: string;

  @ApiPropertyOptional({
    enum: DUE_FILTERS,
    enumName: 'TaskDueFilter',
    default: 'all',
    description:
      'overdue: due before today; today: due today; week: due from today to today + 6 days; all (Europe/Berlin days)',
  })
  @IsOptional()
  @IsIn(DUE_FILTERS)
  due?: DueFilter;

  @ApiPropertyOptional({
    type: String,
    description: `Comma-separated kinds (${TASK_KINDS.join(', ')}); all kinds without it`,
    example: 'stale_case,manual',
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMinSize(1)
  @IsIn(TASK_KINDS, {
    each: true,
    message: `kind must be a comma-separated list of ${TASK_KINDS.join(', ')}`,
  })
  kind?: TaskKind[];
}
