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
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SIGNED_IN } from '../auth/office-scope';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { HistoryQueryDto } from '../cases/dto/case.dto';
import { parseIfMatch } from '../common/http/if-match';
import { AnswersWithVersionETag } from '../common/http/version-etag';
import { UuidParam } from '../common/http/uuid-param';
import { TransitionHeaders, TransitionOptions } from '../common/http/transition-options';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiIdempotencyKey, ApiIfMatch, ETAG_HEADER } from '../openapi/headers';
import {
  CreateResetAnalysisDto,
  ResetAnalysisListQueryDto,
  UpdateResetAnalysisDto,
} from './dto/analysis.dto';
import { EksPeriodListDto, RecordedEksPeriodDto } from './dto/eks-period.dto';
import { PeriodListQueryDto, PutPeriodDto } from './dto/period.dto';
import { ResetAnalysisDto, ResetAnalysisPageDto, ResetHistoryDto } from './dto/reset-analysis.dto';
import { ResetModelDto } from './dto/reset-model.dto';
import { RESET_EVENT_BODY_EXAMPLES } from './lifecycle/reset-event.schema';
import { resetModelDescription } from './lifecycle/reset-model-description';
import { ResetAnalysesService } from './reset-analyses.service';
import { ResetPeriodsService } from './reset-periods.service';
import { ResetTransitionService } from './reset-transition.service';

// Auditors read analyses (business figures, no founder identity); only advisors and leads write.
const MONEY =
  'Money: requests take euros as a number or a decimal string (at most two decimals, never negative); ' +
  'answers give every amount twice, in euros as a number under its name and in integer cents under the ' +
  'name + `Cents` (slopes: `…PerMonth` / `…CentsPerMonth`).';
/** The analysis in the path (any other value than a UUID is a 400). */
const ApiAnalysisId = () => ApiParam({ name: 'id', description: 'The id of the analysis' });
const AUDITORS =
  'Auditors read every free text (descriptions, SWOT, rationale, measure titles, notes, reasons) as null.';

@ApiTags('reset')
@Controller('reset-analyses')
export class ResetController {
  constructor(
    @Inject(ResetAnalysesService) private readonly analyses: ResetAnalysesService,
    @Inject(ResetPeriodsService) private readonly periods: ResetPeriodsService,
    @Inject(ResetTransitionService) private readonly transitions: ResetTransitionService,
  ) {}

  @Post()
  @Access('reset.write')
  @ApiOperation({
    summary: 'Start an as-is analysis of a founder',
    description:
      'Opens a RE_SET as-is analysis of a self-employed founder on SGB II benefits, in state intake, with the ' +
      'business and the household; the analysis belongs to the founder\u2019s office. Record EKS periods next ' +
      `(PUT /reset-analyses/{id}/periods/{periodStart}), then START_ANALYSIS. ${MONEY}`,
  })
  @ApiCreatedResponse({
    type: ResetAnalysisDto,
    headers: ETAG_HEADER,
    description: 'The new analysis (version 1)',
  })
  @ApiErrors('not_found', 'target_sector_unknown', 'case_in_transfer')
  @AnswersWithVersionETag()
  create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateResetAnalysisDto,
  ): Promise<ResetAnalysisDto> {
    return this.analyses.create(ctx, body);
  }

  @Get()
  @Access('reset.read')
  @ApiOperation({
    summary: 'List analyses',
    description:
      'The analyses of the caller\u2019s offices, newest change first, in keyset pages (pass nextCursor as cursor). ' +
      'Filters: state, founder, and provisional periods whose final EKS is due before a date.',
  })
  @ApiOkResponse({ type: ResetAnalysisPageDto })
  list(
    @Ctx() ctx: RequestContext,
    @Query() query: ResetAnalysisListQueryDto,
  ): Promise<ResetAnalysisPageDto> {
    return this.analyses.list(ctx, query);
  }

  // Declared before ':id' (Fastify prefers the static path anyway; this keeps the order obvious).
  @Get('model')
  @Access(SIGNED_IN)
  @ApiOperation({
    summary: 'Read the RE_SET lifecycle model',
    description:
      'The lifecycle as the service runs it: states, events with their payload fields, requirements, ' +
      'transitions and a valid example body, and labels in German and English. Any signed-in caller may read it.',
  })
  @ApiOkResponse({ type: ResetModelDto })
  model(): ResetModelDto {
    return resetModelDescription();
  }

  @Get(':id')
  @ApiAnalysisId()
  @Access('reset.read')
  @ApiOperation({
    summary: 'Read an analysis',
    description:
      'The analysis with its indicators per EKS period (latest versions) and as a trend, its version (also ' +
      `the ETag) and the events it accepts now (availableEvents). ${AUDITORS} ${MONEY}`,
  })
  @ApiOkResponse({ type: ResetAnalysisDto, headers: ETAG_HEADER })
  @ApiErrors('not_found')
  @AnswersWithVersionETag()
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<ResetAnalysisDto> {
    return this.analyses.get(ctx, id);
  }

  @Patch(':id')
  @ApiAnalysisId()
  @Access('reset.write')
  @ApiOperation({
    summary: 'Change business, household or the assessment draft',
    description:
      'Each object given replaces the stored one whole; absent ones stay; assessment null clears the draft. ' +
      'A change is a new version of the analysis (a new ETag); an empty body changes nothing. A decided or ' +
      `cancelled analysis no longer changes. ${MONEY}`,
  })
  @ApiIfMatch('analysis')
  @ApiOkResponse({
    type: ResetAnalysisDto,
    headers: ETAG_HEADER,
    description: 'The analysis as changed',
  })
  @ApiErrors(
    'not_found',
    'version_conflict',
    'reset_analysis_closed',
    'founder_erased',
    'case_in_transfer',
    'target_sector_unknown',
  )
  @AnswersWithVersionETag()
  update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateResetAnalysisDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ResetAnalysisDto> {
    return this.analyses.update(ctx, id, body, parseIfMatch(ifMatch));
  }

  @Put(':id/periods/:periodStart')
  @ApiAnalysisId()
  @Access('reset.write')
  @ApiOperation({
    summary: 'Record an EKS period or a new version of it',
    description:
      'Records the Anlage EKS of the period starting at periodStart: 1–6 consecutive months inside it. ' +
      'The figures are never edited: a change adds a version of the period (a final EKS can be replaced only by ' +
      'a corrected final one), and an unchanged repeat adds none. The period may not overlap another one, and ' +
      'SGB II rates must be on record for its start. A new period version is a new version of the analysis: ' +
      `If-Match names the analysis\u2019s ETag, and the answer gives the new one as analysisVersion. ${MONEY}`,
  })
  @ApiParam({
    name: 'periodStart',
    description: 'The first day of the period, YYYY-MM-DD',
    schema: { type: 'string', format: 'date', example: '2026-01-01' },
  })
  @ApiIfMatch('analysis')
  @ApiCreatedResponse({
    type: RecordedEksPeriodDto,
    description: 'The first version of the period',
  })
  @ApiOkResponse({
    type: RecordedEksPeriodDto,
    description: 'A new version of the period, or the unchanged latest one',
  })
  @ApiErrors(
    'not_found',
    'version_conflict',
    'reset_analysis_closed',
    'founder_erased',
    'case_in_transfer',
    'eks_period_overlap',
    'eks_period_final',
    'rates_unavailable',
  )
  async putPeriod(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Param('periodStart') periodStart: string,
    @Body() body: PutPeriodDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedEksPeriodDto> {
    const { created, period } = await this.periods.put(
      ctx,
      id,
      periodStart,
      body,
      parseIfMatch(ifMatch),
    );
    void reply.status(created ? 201 : 200);
    return period;
  }

  @Get(':id/periods')
  @ApiAnalysisId()
  @Access('reset.read')
  @ApiOperation({
    summary: 'List the EKS periods of an analysis',
    description: `The latest version of each period by period start, or with allVersions=true every version. ${MONEY}`,
  })
  @ApiOkResponse({ type: EksPeriodListDto })
  @ApiErrors('not_found')
  listPeriods(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Query() query: PeriodListQueryDto,
  ): Promise<EksPeriodListDto> {
    return this.periods.list(ctx, id, query.allVersions === 'true');
  }

  @Post(':id/events')
  @ApiAnalysisId()
  @HttpCode(200)
  @Access('reset.write')
  @ApiOperation({
    summary: 'Send a lifecycle event',
    description:
      'Moves the analysis along its lifecycle: `{ type, ...payload }`, one of START_ANALYSIS, ASSESS, RECOMMEND, ' +
      'DECIDE, CANCEL. The role is checked before the payload; then If-Match, the payload, whether the state ' +
      'accepts the event (409 with allowedEvents) and its requirements (422 with unmet). An accepted event writes ' +
      'one history entry and a new version. DECIDE with accepted: true of a restart_with_coaching puts the founder ' +
      'into the phase model at planning (a new case, or their latest closed case reopened, which only a lead may ' +
      'do); a founder with an active or paused case is refused (409 with caseId). GET the analysis first: its ' +
      'availableEvents say what would pass.',
  })
  @ApiIfMatch('analysis')
  @ApiIdempotencyKey()
  @ApiOkResponse({
    type: ResetAnalysisDto,
    headers: ETAG_HEADER,
    description: 'The analysis after the event',
  })
  @ApiErrors(
    'not_found',
    'invalid_event',
    'version_conflict',
    'transition_not_allowed',
    'founder_has_open_case',
    'founder_erased',
    'case_in_transfer',
    'requirements_unmet',
    'idempotency_key_reused',
  )
  @ApiBody({
    schema: { $ref: '#/components/schemas/ResetEvent' },
    examples: RESET_EVENT_BODY_EXAMPLES,
  })
  @AnswersWithVersionETag()
  event(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: unknown,
    @TransitionHeaders() options: TransitionOptions,
  ): Promise<ResetAnalysisDto> {
    return this.transitions.apply(ctx, id, body, options);
  }

  @Get(':id/history')
  @ApiAnalysisId()
  @Access('reset.read')
  @ApiOperation({
    summary: 'Read the lifecycle history of an analysis',
    description:
      'Every accepted event, oldest first, each sealed into the analysis\u2019s hash chain (data and period ' +
      'changes are versions, not history entries). With ?verify=true the answer also gives the chain ' +
      'recomputed from the stored rows (chain). Auditors read texts as null.',
  })
  @ApiOkResponse({ type: ResetHistoryDto })
  @ApiErrors('not_found')
  history(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<ResetHistoryDto> {
    return this.analyses.history(ctx, id, query.verify === 'true');
  }
}
