import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { OfficeDb } from '../database/office-transaction';
import type {
  CreatedFeedTokenDto,
  CreateFeedTokenDto,
  FeedTokenListDto,
} from './dto/feed-token.dto';
import { toFeedTokenDto } from './feed-token.mapper';
import { feedPath, generateFeedToken } from './feed-token-secret';
import { FeedTokensRepository } from './feed-tokens.repository';

/**
 * A user's own calendar feed tokens. feed_token is not under row-level security; the use cases
 * still run in an OfficeDb transaction for their access-log entries, which name no office (a
 * token belongs to a person, not to an office), so they pass in any scope.
 */
@Injectable()
export class FeedTokensService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(FeedTokensRepository) private readonly tokens: FeedTokensRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async create(ctx: RequestContext, dto: CreateFeedTokenDto): Promise<CreatedFeedTokenDto> {
    const userId = personOf(ctx);
    const secret = generateFeedToken();
    const row = await this.officeDb.run(officesFor(ctx.actor, 'tasks.read'), async (tx) => {
      const inserted = await this.tokens.insert(tx.manager, {
        userId,
        name: dto.name,
        hash: secret.hash,
        prefix: secret.prefix,
      });
      this.accessLog.record(
        ctx,
        { officeId: null, resourceType: 'feed_token', resourceId: inserted.id, action: 'create' },
        tx,
      );
      return inserted;
    });
    return { ...toFeedTokenDto(row), token: secret.token, feedUrl: feedPath(secret.token) };
  }

  // A plain read of the caller's own credentials (no social data): no access-log entry, like the
  // office's API keys.
  async list(ctx: RequestContext): Promise<FeedTokenListDto> {
    const userId = personOf(ctx);
    return this.officeDb.run(officesFor(ctx.actor, 'tasks.read'), async (tx) => ({
      items: (await this.tokens.listOf(tx.manager, userId)).map(toFeedTokenDto),
    }));
  }

  async revoke(ctx: RequestContext, id: string): Promise<void> {
    const userId = personOf(ctx);
    await this.officeDb.run(officesFor(ctx.actor, 'tasks.read'), async (tx) => {
      // Another user's token is not found: the caller learns nothing about it.
      if (!(await this.tokens.revoke(tx.manager, userId, id)))
        throw new AppError('not_found', 'No such feed token.');
      this.accessLog.record(
        ctx,
        { officeId: null, resourceType: 'feed_token', resourceId: id, action: 'delete' },
        tx,
      );
    });
  }
}

/** A feed is a person's: an office's API key has none. */
function personOf(ctx: RequestContext): string {
  if (ctx.actor.kind !== 'user')
    throw new AppError('forbidden', 'Feed tokens belong to a person; an API key has none.');
  return ctx.actor.id;
}
