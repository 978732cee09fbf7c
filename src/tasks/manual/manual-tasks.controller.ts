import { Body, Controller, Get, Headers, Inject, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../../auth/access.decorator';
import { Ctx, RequestContext } from '../../auth/request-context';
import { parseIfMatch } from '../../common/http/if-match';
import { UuidParam } from '../../common/http/uuid-param';
import { AnswersWithVersionETag } from '../../common/http/version-etag';
import { ApiErrors } from '../../openapi/api-errors.decorator';
import { ApiIfMatch, ETAG_HEADER } from '../../openapi/headers';
import {
  CreateManualTaskDto,
  ManualTaskDto,
  ManualTaskListDto,
  UpdateManualTaskDto,
} from './dto/manual-task.dto';
import { ManualTasksService } from './manual-tasks.service';

/** Manual tasks; GET /tasks (the whole desk, derived tasks included) is src/tasks. */
@ApiTags('tasks')
@Controller()
export class ManualTasksController {
  constructor(@Inject(ManualTasksService) private readonly tasks: ManualTasksService) {}

  @Post('cases/:id/tasks')
  @ApiParam({ name: 'id', description: 'The id of the case' })
  @Access('tasks.write')
  @ApiOperation({
    summary: 'Add a manual task (Wiedervorlage) to a case',
    description:
      'A title, a due day and optionally an assignee (an active advisor or lead of the case\u2019s office). ' +
      'The open ones appear on the desk (GET /tasks) as kind manual.',
  })
  @ApiCreatedResponse({ type: ManualTaskDto, headers: ETAG_HEADER, description: 'The new task' })
  @ApiErrors('not_found', 'founder_erased', 'advisor_unknown', 'case_in_transfer')
  @AnswersWithVersionETag()
  create(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: CreateManualTaskDto,
  ): Promise<ManualTaskDto> {
    return this.tasks.create(ctx, id, body);
  }

  @Get('cases/:id/tasks')
  @ApiParam({ name: 'id', description: 'The id of the case' })
  @Access('tasks.read')
  @ApiOperation({
    summary: 'List the manual tasks of a case',
    description: 'Open ones first by due day, then the done ones.',
  })
  @ApiOkResponse({ type: ManualTaskListDto })
  @ApiErrors('not_found')
  list(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<ManualTaskListDto> {
    return this.tasks.list(ctx, id);
  }

  @Patch('tasks/:id')
  @ApiParam({ name: 'id', description: 'The id of the manual task' })
  @Access('tasks.write')
  @ApiOperation({
    summary: 'Change, complete or reopen a manual task',
    description:
      'Sets the fields given; done true marks it done (doneAt, doneBy: the caller), false reopens it. Every ' +
      'change is a new version of the task (a new ETag); an empty body changes nothing.',
  })
  @ApiIfMatch('task')
  @ApiOkResponse({ type: ManualTaskDto, headers: ETAG_HEADER, description: 'The task as changed' })
  @ApiErrors(
    'not_found',
    'version_conflict',
    'founder_erased',
    'advisor_unknown',
    'case_in_transfer',
  )
  @AnswersWithVersionETag()
  update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateManualTaskDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ManualTaskDto> {
    return this.tasks.update(ctx, id, body, parseIfMatch(ifMatch));
  }
}
