import { Body, Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { CreatedFeedTokenDto, CreateFeedTokenDto, FeedTokenListDto } from './dto/feed-token.dto';
import { FeedTokensService } from './feed-tokens.service';

@ApiTags('tasks')
@Controller('users/me/feed-tokens')
export class FeedTokensController {
  constructor(@Inject(FeedTokensService) private readonly tokens: FeedTokensService) {}

  @Post()
  @Access('tasks.read')
  @ApiOperation({
    summary: 'Create a calendar feed token',
    description:
      'For a signed-in user who reads the desk in some office (API keys: 403, a feed is a person\u2019s). ' +
      'The answer holds the token and the feed\u2019s address, this once: only its hash is stored. ' +
      'The token opens GET /api/v1/tasks.ics and nothing else.',
  })
  @ApiCreatedResponse({ type: CreatedFeedTokenDto, description: 'The new token with its secret' })
  create(
    @Ctx() ctx: RequestContext,
    @Body() body: CreateFeedTokenDto,
  ): Promise<CreatedFeedTokenDto> {
    return this.tokens.create(ctx, body);
  }

  @Get()
  @Access('tasks.read')
  @ApiOperation({
    summary: 'The caller\u2019s feed tokens, without secrets',
    description: 'Newest first; revoked tokens included.',
  })
  @ApiOkResponse({ type: FeedTokenListDto, description: 'The tokens' })
  list(@Ctx() ctx: RequestContext): Promise<FeedTokenListDto> {
    return this.tokens.list(ctx);
  }

  @Delete(':id')
  @Access('tasks.read')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke a feed token',
    description:
      'Effective at once: the next fetch of the feed with it is refused. Revoking a revoked token again ' +
      'changes nothing; another user\u2019s token is not found.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors('not_found')
  revoke(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<void> {
    return this.tokens.revoke(ctx, id);
  }
}
