import { Body, Controller, Get, Headers, HttpCode, Inject, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { etag, parseIfMatch } from '../common/http/if-match';
import { UuidParam } from '../common/http/uuid-param';
import { TransitionHeaders, TransitionOptions } from '../common/http/transition-options';
import { phaseModelDescription } from '../phase-model';
import { CASE_EVENT_BODY_EXAMPLES } from '../phase-model/case-event.schema';
import { CaseTransitionService } from './case-transition.service';
import { CasesService } from './cases.service';
import { CaseListQueryDto, CreateCaseDto, CreateContactDto, HistoryQueryDto, UpdateCaseDto } from './dto/case.dto';

const READERS = { roles: ['advisor', 'lead', 'auditor'] } as const;
const WRITERS = { roles: ['advisor', 'lead'] } as const;

@ApiTags('cases')
@Controller()
export class CasesController {
  constructor(
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(CaseTransitionService) private readonly transitions: CaseTransitionService,
  ) {}

  @Get('phase-model')
  @Access({ anyone: true })
  @ApiOperation({ summary: 'The 4+1 phase model: phases, events, requirements, labels (de/en), version' })
  phaseModel() {
    return phaseModelDescription();
  }

  @Post('cases')
  @Access(WRITERS)
  @ApiOperation({ summary: 'Open a case for a founder (phase access, status active)' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateCaseDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await this.cases.create(ctx, body);
    void reply.header('etag', etag(dto.version));
    return dto;
  }

  @Get('cases')
  @Access(READERS)
  @ApiOperation({ summary: 'Cases of the caller\u2019s offices, newest change first (keyset pages)' })
  list(@Ctx() ctx: RequestContext, @Query() query: CaseListQueryDto) {
    return this.cases.list(ctx, query);
  }

  @Get('cases/:id')
  @Access(READERS)
  @ApiOperation({ summary: 'One case with version (also as ETag) and availableEvents' })
  async get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await this.cases.get(ctx, id);
    void reply.header('etag', etag(dto.version));
    return dto;
  }

  @Patch('cases/:id')
  @Access(WRITERS)
  @ApiOperation({ summary: 'Change case data and milestones (null clears a field)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the case; 412 when it changed (weak W/"…" tags never match)' })
  async update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateCaseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await this.cases.update(ctx, id, body, parseIfMatch(ifMatch));
    void reply.header('etag', etag(dto.version));
    return dto;
  }

  @Post('cases/:id/events')
  @HttpCode(200)
  @Access(WRITERS)
  @ApiOperation({
    summary: 'Apply one phase-model event {type, ...payload}',
    description:
      '409 transition_not_allowed (with allowedEvents), 422 requirements_unmet (with unmet), ' +
      '412 version_conflict on If-Match mismatch, 403 for roles that may not send it (REOPEN: leads), ' +
      'checked before the payload. availableEvents marks each event with permitted (this caller\u2019s role may send it).',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first answer' })
  @ApiBody({ schema: { $ref: '#/components/schemas/CaseEvent' }, examples: CASE_EVENT_BODY_EXAMPLES })
  async event(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: unknown,
    @TransitionHeaders() options: TransitionOptions,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await this.transitions.apply(ctx, id, body, options);
    void reply.header('etag', etag(dto.version));
    return dto;
  }

  @Get('cases/:id/history')
  @Access(READERS)
  @ApiOperation({ summary: 'The append-only phase history of a case; ?verify=true recomputes its hash chain' })
  history(@Ctx() ctx: RequestContext, @UuidParam('id') id: string, @Query() query: HistoryQueryDto) {
    return this.cases.history(ctx, id, query.verify === 'true');
  }

  @Post('cases/:id/contacts')
  @Access(WRITERS)
  @ApiOperation({
    summary: 'Record a counselling contact',
    description: 'A new version of the case: the answer gives it as caseVersion; 412 version_conflict when If-Match names an older one.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the case; 412 when it changed' })
  addContact(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: CreateContactDto,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    return this.cases.addContact(ctx, id, body, parseIfMatch(ifMatch));
  }

  @Get('cases/:id/contacts')
  @Access(WRITERS)
  @ApiOperation({ summary: 'The counselling contacts of a case' })
  contacts(@Ctx() ctx: RequestContext, @UuidParam('id') id: string) {
    return this.cases.contacts(ctx, id);
  }
}
