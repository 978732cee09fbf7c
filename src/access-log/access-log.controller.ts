import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { officesFor } from '../auth/office-scope';
import { Ctx, RequestContext } from '../auth/request-context';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { OfficeDb } from '../database/office-transaction';
import { toAccessLogEntry } from './access-log.mapper';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogPageDto } from './dto/access-log-entry.dto';
import { AccessLogQueryDto } from './dto/access-log-query.dto';

@ApiTags('access-log')
@Controller('access-log')
export class AccessLogController {
  constructor(
    @Inject(AccessLogRepository) private readonly log: AccessLogRepository,
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
  ) {}

  @Get()
  @Access('access_log.read')
  @ApiOperation({
    summary: 'Read the access log',
    description:
      'Who read or changed which record, and every export, newest first. Leads see the entries ' +
      'of the offices they lead, admins every entry. Filter by the acting user or API key, the ' +
      'record and a time range.',
  })
  @ApiOkResponse({ type: AccessLogPageDto, description: 'One page of entries' })
  async list(@Ctx() ctx: RequestContext, @Query() q: AccessLogQueryDto): Promise<AccessLogPageDto> {
    const limit = q.limit ?? 100;
    const after = decodeCursor(q.cursor, ['id']);
    const scope = officesFor(ctx.actor, 'access_log.read');
    const rows = await this.officeDb.run(scope, (tx) =>
      this.log.list(tx, {
        withoutOffice: scope.officeIds === 'every',
        userId: q.userId,
        resourceId: q.resourceId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        after: after ? Number(after[0]) : undefined,
        limit,
      }),
    );
    return toPage(rows, limit, toAccessLogEntry, (r) => [Number(r.id)]);
  }
}
