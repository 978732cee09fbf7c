import { Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import { ApiExtension, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { CalendarFeedService } from './calendar-feed.service';
import { TaskFeedQueryDto } from './dto/feed-token.dto';

export const CALENDAR_CONTENT_TYPE = 'text/calendar; charset=utf-8';

@ApiTags('tasks')
@Controller('tasks.ics')
export class CalendarFeedController {
  constructor(@Inject(CalendarFeedService) private readonly feed: CalendarFeedService) {}

  // Public for the bearer guard: the token in the query is the only credential a calendar client
  // can send, and any Authorization or X-API-Key header is ignored here.
  @Get()
  @Public()
  // Documented as its own scheme (the query's token), so that the feed is not listed as open.
  @ApiSecurity('feedToken')
  @ApiExtension('x-required-roles', ['any'])
  @Header('Content-Type', CALENDAR_CONTENT_TYPE)
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({
    summary: 'The caller\u2019s open tasks as an iCalendar feed (RFC 5545)',
    description:
      'For calendar subscriptions (Outlook, Thunderbird): the feed token is the only credential, so the ' +
      'URL is a secret. One all-day event per open task assigned to the token\u2019s user, in the offices ' +
      'where they read the desk now; UID <task id>@lotse stays when a deadline moves. Summaries name the ' +
      'kind and the case by the first 8 hex digits of its id, never a person. An unknown or revoked token, ' +
      'or a deactivated user: 401.',
  })
  @ApiOkResponse({
    description: 'The calendar',
    headers: {
      'Cache-Control': { description: 'private, no-store', schema: { type: 'string' } },
    },
    content: { 'text/calendar': { schema: { type: 'string', description: 'VCALENDAR (UTF-8)' } } },
  })
  @ApiErrors('unauthenticated')
  tasks(@Query() query: TaskFeedQueryDto, @Req() request: FastifyRequest): Promise<string> {
    return this.feed.feed(query.token, { requestId: String(request.id), ip: request.ip });
  }
}
