import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { TaskListQueryDto } from './dto/task-query.dto';
import { TaskPageDto } from './dto/task-response.dto';
import { TasksService } from './tasks.service';

@ApiTags('tasks')
@Controller()
export class TasksController {
  constructor(@Inject(TasksService) private readonly tasks: TasksService) {}

  @Get('tasks')
  @Access('tasks.read')
  @ApiOperation({
    summary: 'The desk: open tasks',
    description:
      'The open tasks of the caller\u2019s offices, derived at read time from the cases, RE_SET periods and ' +
      'the office\u2019s settings (final EKS declaration, overdue first counselling, 6-month follow-up, funding ' +
      'application before the start, end of Einstiegsgeld, stale case, consent review), and the manual tasks. ' +
      'A derived task disappears by itself once the fact that completes it is recorded. By due date, then id, ' +
      'in keyset pages: pass nextCursor as cursor for the next one.',
  })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiErrors()
  list(@Ctx() ctx: RequestContext, @Query() query: TaskListQueryDto): Promise<TaskPageDto> {
    return this.tasks.list(ctx, query);
  }
}
