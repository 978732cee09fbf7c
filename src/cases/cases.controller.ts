import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { SIGNED_IN } from '../auth/office-scope';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { parseIfMatch } from '../common/http/if-match';
import { AnswersWithVersionETag } from '../common/http/version-etag';
import { UuidParam } from '../common/http/uuid-param';
import { TransitionHeaders, TransitionOptions } from '../common/http/transition-options';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiIdempotencyKey, ApiIfMatch, ETAG_HEADER } from '../openapi/headers';
import { phaseModelDescription } from '../phase-model';
import { CASE_EVENT_BODY_EXAMPLES } from '../phase-model/case-event.schema';
import { CaseTransitionService } from './case-transition.service';
import { CasesService } from './cases.service';
import { CreateCaseDto, CreateContactDto, HistoryQueryDto, UpdateCaseDto } from './dto/case.dto';
import { CaseListQueryDto } from './dto/case-list-query.dto';
import {
  CaseDto,
  CaseHistoryDto,
  CasePageDto,
  ContactListDto,
  RecordedContactDto,
} from './dto/case-response.dto';
import { PhaseModelDto } from './dto/phase-model.dto';

/** The description of the :id of the case routes (UuidParam declares its uuid format and answers 400 for anything else). */
const CaseId = () => ApiParam({ name: 'id', description: 'The id of the case' });

@ApiTags('cases')
@Controller()
export class CasesController {
  constructor(
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(CaseTransitionService) private readonly transitions: CaseTransitionService,
  ) {}

  @Get('phase-model')
  @Access(SIGNED_IN)
  @ApiOperation({
    summary: 'The 4+1 phase model',
    description:
      'Phases, statuses and events with their labels (de/en), payload fields, stage gates and transitions, ' +
      'derived from the state machine the service applies: a frontend can render the model and its forms from it.',
  })
  @ApiOkResponse({ type: PhaseModelDto, description: 'The model new cases follow' })
  phaseModel(): PhaseModelDto {
    return phaseModelDescription();
  }

  @Post('cases')
  @Access('case.write')
  @ApiOperation({
    summary: 'Open a case for a founder',
    description:
      'The case starts in phase access with status active, in the founder\u2019s office. The answer carries the ' +
      'version also as ETag, to send back as If-Match with the next change.',
  })
  @ApiCreatedResponse({ type: CaseDto, headers: ETAG_HEADER, description: 'The new case' })
  @ApiErrors('not_found', 'advisor_unknown', 'target_sector_unknown', 'case_in_transfer')
  @AnswersWithVersionETag()
  create(@Ctx() ctx: RequestContext, @Body() body: CreateCaseDto): Promise<CaseDto> {
    return this.cases.create(ctx, body);
  }

  @Get('cases')
  @Access('cases.list')
  @ApiOperation({
    summary: 'List cases',
    description:
      'The cases of the caller\u2019s offices, newest change first, in keyset pages: pass nextCursor as cursor ' +
      'for the next one. Auditors read businessIdea as null. The group filters take several values each, ' +
      'comma-separated or repeated (OR within a filter, AND between filters; `null` matches a field not ' +
      'recorded): phase, status, fundingRoute, advisorId and createdFrom/createdTo read the case; the founder ' +
      'filters (germanLevel, targetSector, homeKnowledgeUsabilityMin/Max, presumedMotivation, benefitStatus, ' +
      'migrationBackground, selfEmploymentPermitted, ageBand) read the case\u2019s founder, never match a case ' +
      'of an erased founder, and need permission to read founders (403 for auditors).',
  })
  @ApiOkResponse({ type: CasePageDto })
  list(@Ctx() ctx: RequestContext, @Query() query: CaseListQueryDto): Promise<CasePageDto> {
    return this.cases.list(ctx, query);
  }

  @Get('cases/:id')
  @CaseId()
  @Access('case.read')
  @ApiOperation({
    summary: 'Read a case',
    description:
      'The case with its version (also as ETag) and availableEvents: each event the case accepts now, whether ' +
      'this caller\u2019s role may send it (permitted) and which stage gates still fail (unmet). Auditors read ' +
      'the free texts as null.',
  })
  @ApiOkResponse({ type: CaseDto, headers: ETAG_HEADER })
  @ApiErrors('not_found')
  @AnswersWithVersionETag()
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<CaseDto> {
    return this.cases.get(ctx, id);
  }

  @Patch('cases/:id')
  @CaseId()
  @Access('case.write')
  @ApiOperation({
    summary: 'Change case data and milestones',
    description:
      'Sets the fields given; null clears one, absent fields stay. Every change is a new version of the case ' +
      '(a new ETag); an empty body changes nothing. Phase and status change only through events.',
  })
  @ApiIfMatch('case')
  @ApiOkResponse({ type: CaseDto, headers: ETAG_HEADER, description: 'The case as changed' })
  @ApiErrors(
    'not_found',
    'version_conflict',
    'founder_erased',
    'case_in_transfer',
    'advisor_unknown',
    'target_sector_unknown',
  )
  @AnswersWithVersionETag()
  update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<CaseDto> {
    return this.cases.update(ctx, id, body, parseIfMatch(ifMatch));
  }

  @Post('cases/:id/events')
  @CaseId()
  @HttpCode(200)
  @Access('case.write')
  @ApiOperation({
    summary: 'Send a phase-model event',
    description:
      'Moves the case along the model: `{ type, ...payload }`, one event per request. The role is checked ' +
      'before the payload (REOPEN: leads only); then If-Match, the payload, whether the case accepts the event ' +
      'in its state (a refusal names the allowedEvents) and its stage gates (a refusal lists them as unmet). An ' +
      'accepted event writes one history entry and a new version. GET the case first: its availableEvents say ' +
      'what would pass.',
  })
  @ApiIfMatch('case')
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: CaseDto, headers: ETAG_HEADER, description: 'The case after the event' })
  @ApiErrors(
    'not_found',
    'invalid_event',
    'version_conflict',
    'transition_not_allowed',
    'founder_erased',
    'case_in_transfer',
    'requirements_unmet',
    'idempotency_key_reused',
  )
  @ApiBody({
    schema: { $ref: '#/components/schemas/CaseEvent' },
    examples: CASE_EVENT_BODY_EXAMPLES,
  })
  @AnswersWithVersionETag()
  event(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: unknown,
    @TransitionHeaders() options: TransitionOptions,
  ): Promise<CaseDto> {
    return this.transitions.apply(ctx, id, body, options);
  }

  @Get('cases/:id/history')
  @CaseId()
  @Access('case.read')
  @ApiOperation({
    summary: 'Read the phase history of a case',
    description:
      'Every accepted event, oldest first, each sealed into the case\u2019s hash chain. With ?verify=true the ' +
      'answer also gives the chain recomputed from the stored rows (chain). Auditors read texts as null.',
  })
  @ApiOkResponse({ type: CaseHistoryDto })
  @ApiErrors('not_found')
  history(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<CaseHistoryDto> {
    return this.cases.history(ctx, id, query.verify === 'true');
  }

  @Post('cases/:id/contacts')
  @CaseId()
  @Access('case.write')
  @ApiOperation({
    summary: 'Record a counselling contact',
    description:
      'A contact is part of the case (a first_counselling contact opens the gate of START_PLANNING), so it is ' +
      'a new version of the case: If-Match names the case\u2019s ETag, and the answer gives the new one as caseVersion.',
  })
  @ApiIfMatch('case')
  @ApiCreatedResponse({ type: RecordedContactDto, description: 'The contact as recorded' })
  @ApiErrors('not_found', 'version_conflict', 'founder_erased', 'case_in_transfer')
  addContact(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: CreateContactDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<RecordedContactDto> {
    return this.cases.addContact(ctx, id, body, parseIfMatch(ifMatch));
  }

  @Get('cases/:id/contacts')
  @CaseId()
  @Access('case.contacts.read')
  @ApiOperation({
    summary: 'List the counselling contacts of a case',
    description: 'Latest first. Advisors and leads only: contacts carry free texts.',
  })
  @ApiOkResponse({ type: ContactListDto })
  @ApiErrors('not_found')
  contacts(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<ContactListDto> {
    return this.cases.contacts(ctx, id);
  }
}
