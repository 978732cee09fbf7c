import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { HistoryQueryDto } from '../cases/dto/case.dto';
import { etag, parseIfMatch } from '../common/http/if-match';
import { UuidParam } from '../common/http/uuid-param';
import { TransitionHeaders, TransitionOptions } from '../common/http/transition-options';
import {
  CreateResetAnalysisDto,
  ResetAnalysisListQueryDto,
  UpdateResetAnalysisDto,
} from './dto/analysis.dto';
import { PeriodListQueryDto, PutPeriodDto } from './dto/period.dto';
import { RESET_EVENT_BODY_EXAMPLES } from './lifecycle/reset-event.schema';
import { resetModelDescription } from './lifecycle/reset-model-description';
import { ResetAnalysesService } from './reset-analyses.service';
import { ResetPeriodsService } from './reset-periods.service';
import { ResetTransitionService } from './reset-transition.service';

// Auditors read analyses (business figures, no founder identity); only advisors and leads write.
const READERS = { roles: ['advisor', 'lead', 'auditor'] } as const;
const WRITERS = { roles: ['advisor', 'lead'] } as const;
const MONEY =
  'Money: requests take euros (number or decimal string, at most two decimals); responses give every ' +
  'amount in euros as a number and as integer cents in the same field name + `Cents` ' +
  '(indicators: `…Cents` / `…CentsPerMonth` with euro twins without the suffix).';

@ApiTags('reset')
@Controller('reset-analyses')
export class ResetController {
  constructor(
    @Inject(ResetAnalysesService) private readonly analyses: ResetAnalysesService,
    @Inject(ResetPeriodsService) private readonly periods: ResetPeriodsService,
    @Inject(ResetTransitionService) private readonly transitions: ResetTransitionService,
  ) {}

  @Post()
  @Access(WRITERS)
  @ApiOperation({
    summary: 'Start an as-is analysis of a self-employed founder (state intake)',
    description: MONEY,
  })
  async create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateResetAnalysisDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await this.analyses.create(ctx, body);
    void reply.header('etag', etag(dto.version));
    return dto;
  }

  @Get()
  @Access(READERS)
  @ApiOperation({
    summary: 'Analyses of the caller\u2019s offices, newest change first (keyset pages)',
  })
  list(@Ctx() ctx: RequestContext, @Query() query: ResetAnalysisListQueryDto) {
    return this.analyses.list(ctx, query);
  }

  // Declared before ':id' (Fastify prefers the static path anyway; this keeps the order obvious).
  @Get('model')
  @Access({ anyone: true })
  @ApiOperation({
    summary: 'The RE_SET lifecycle: states, events with payloads and examples, requirements, labels (de/en), version',
  })
  model() {
    return resetModelDescription();
  }

  @Get(':id')
  @Access(READERS)
  @ApiOperation({
    summary:
      'One analysis with indicators per period and as a trend, version (also as ETag) and availableEvents',
    description: MONEY,
  })
  async get(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await this.analyses.get(ctx, id);
    void reply.header('etag', etag(dto.version));
    return dto;
  }

  @Patch(':id')
  @Access(WRITERS)
  @ApiOperation({
    summary: 'Replace business, household or the assessment draft (each object whole)',
    description: `409 reset_analysis_closed once decided or cancelled. ${MONEY}`,
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag of the analysis; 412 when it changed',
  })
  async update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateResetAnalysisDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await this.analyses.update(ctx, id, body, parseIfMatch(ifMatch));
    void reply.header('etag', etag(dto.version));
    return dto;
  }

  @Put(':id/periods/:periodStart')
  @Access(WRITERS)
  @ApiOperation({
    summary: 'Record an EKS period (Anlage EKS) or a new version of it',
    description:
      '201 for the first version of a period, 200 for a new version or an unchanged repeat (no new version). ' +
      '1–6 consecutive months inside the period. 409 eks_period_final (provisional after final), ' +
      `409 eks_period_overlap, 422 rates_unavailable. A new period version is a new version of the analysis ` +
      `(analysisVersion in the answer); 412 version_conflict when If-Match names an older one. ${MONEY}`,
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag of the analysis; 412 when it changed',
  })
  async putPeriod(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Param('periodStart') periodStart: string,
    @Body() body: PutPeriodDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { created, period } = await this.periods.put(ctx, id, periodStart, body, parseIfMatch(ifMatch));
    void reply.status(created ? 201 : 200);
    return period;
  }

  @Get(':id/periods')
  @Access(READERS)
  @ApiOperation({
    summary: 'The EKS periods: the latest version of each, or every version',
    description: MONEY,
  })
  listPeriods(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Query() query: PeriodListQueryDto,
  ) {
    return this.periods.list(ctx, id, query.allVersions === 'true');
  }

  @Post(':id/events')
  @HttpCode(200)
  @Access(WRITERS)
  @ApiOperation({
    summary:
      'Apply one lifecycle event {type, ...payload}: START_ANALYSIS, ASSESS, RECOMMEND, DECIDE, CANCEL',
    description:
      '409 transition_not_allowed (with allowedEvents), 422 requirements_unmet (with unmet), ' +
      '412 version_conflict on If-Match mismatch. DECIDE {accepted: true} of a restart_with_coaching ' +
      'puts the founder into the phase model at planning (new case or their latest closed case reopened); ' +
      '409 founder_has_open_case (with caseId) when they have an active or paused case.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key returns the first answer',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/ResetEvent' }, examples: RESET_EVENT_BODY_EXAMPLES })
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

  @Get(':id/history')
  @Access(READERS)
  @ApiOperation({ summary: 'The append-only lifecycle history of an analysis; ?verify=true recomputes its hash chain' })
  history(@Ctx() ctx: RequestContext, @UuidParam('id') id: string, @Query() query: HistoryQueryDto) {
    return this.analyses.history(ctx, id, query.verify === 'true');
  }
}
