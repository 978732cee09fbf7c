import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { officesWithRole } from '../auth/principal';
import { Ctx, RequestContext } from '../auth/request-context';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogQueryDto } from './dto/access-log-query.dto';

@ApiTags('access-log')
@Controller('access-log')
export class AccessLogController {
  constructor(@Inject(AccessLogRepository) private readonly log: AccessLogRepository) {}

  @Get()
  @Access({ roles: ['lead'], admin: true })
  @ApiOperation({ summary: 'Who read or changed what, newest first (leads: their offices)' })
  async list(@Ctx() ctx: RequestContext, @Query() q: AccessLogQueryDto) {
    const limit = q.limit ?? 100;
    const after = decodeCursor(q.cursor, ['id']);
    const rows = await this.log.list({
      officeIds: ctx.actor.isAdmin ? null : officesWithRole(ctx.actor, ['lead']),
      userId: q.userId,
      resourceId: q.resourceId,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? new Date(q.to) : undefined,
      after: after ? Number(after[0]) : undefined,
      limit,
    });
    return toPage(
      rows,
      limit,
      (r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actorType: r.actor_type,
        actorId: r.actor_id,
        officeId: r.office_id,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        action: r.action,
        requestId: r.request_id,
        details: r.details,
      }),
      (r) => [Number(r.id)],
    );
  }
}
