import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { TransitionHeaders, TransitionOptions } from '../common/http/transition-options';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiIdempotencyKey, ApiIfMatch } from '../openapi/headers';
import { CreateFollowUpDto, FollowUpListDto, RecordedFollowUpDto } from './dto/follow-up.dto';
import { FollowUpsService } from './follow-ups.service';

const CaseId = () => ApiParam({ name: 'id', description: 'The id of the case' });

@ApiTags('follow-ups')
@Controller()
export class FollowUpsController {
  constructor(@Inject(FollowUpsService) private readonly followUps: FollowUpsService) {}

  @Post('cases/:id/follow-ups')
  @CaseId()
  @Access('case.write')
  @ApiOperation({
    summary: 'Record a follow-up after exit',
    description:
      'The founder\u2019s situation some time after the case was completed or dropped out (the ESF result ' +
      'categories). Needs the founder\u2019s followUpConsentOn; `on` lies between the case\u2019s exitedOn and ' +
      'today. Written with a FOLLOW_UP entry of the case history (phase and status unchanged), so it is a new ' +
      'version of the case: If-Match names the case\u2019s ETag, and the answer gives the new one as caseVersion.',
  })
  @ApiIfMatch('case')
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: RecordedFollowUpDto, description: 'The follow-up as recorded' })
  @ApiErrors(
    'not_found',
    'version_conflict',
    'founder_erased',
    'case_not_closed',
    'follow_up_consent_missing',
    'idempotency_key_reused',
    'case_in_transfer',
  )
  record(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: CreateFollowUpDto,
    @TransitionHeaders() options: TransitionOptions,
  ): Promise<RecordedFollowUpDto> {
    return this.followUps.record(ctx, id, body, options);
  }

  @Get('cases/:id/follow-ups')
  @CaseId()
  @Access('case.read')
  @ApiOperation({
    summary: 'List the follow-ups of a case',
    description: 'Latest first. Auditors read the notes as null.',
  })
  @ApiOkResponse({ type: FollowUpListDto })
  @ApiErrors('not_found')
  list(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<FollowUpListDto> {
    return this.followUps.list(ctx, id);
  }
}
