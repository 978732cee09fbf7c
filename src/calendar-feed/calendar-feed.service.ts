import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService, type AccessEntry } from '../access-log/access-log.service';
import { CredentialsRepository } from '../auth/credentials.repository';
import { officesFor } from '../auth/office-scope';
import type { Principal } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { OfficeDb } from '../database/office-transaction';
import { OfficeSettingsRepository } from '../office-settings/office-settings.repository';
import type { Task } from '../tasks/task';
import { TasksService } from '../tasks/tasks.service';
import { hashFeedToken, looksLikeFeedToken } from './feed-token-secret';
import { FeedTokensRepository } from './feed-tokens.repository';
import { renderTaskCalendar } from './task-calendar';

/** Where the request came from, for the access log: the feed has no signed-in request context. */
export interface FeedRequest {
  requestId: string;
  ip: string;
}

/**
 * The calendar feed: a feed token, and nothing else, opens the open tasks assigned to its user.
 * The user is looked up as a principal at every fetch, so a deactivated user's feed ends at once
 * and a removed membership removes that office's tasks from the next refresh.
 */
@Injectable()
export class CalendarFeedService {
  constructor(
    @Inject(FeedTokensRepository) private readonly tokens: FeedTokensRepository,
    @Inject(CredentialsRepository) private readonly credentials: CredentialsRepository,
    @Inject(TasksService) private readonly tasks: TasksService,
    @Inject(OfficeSettingsRepository) private readonly settings: OfficeSettingsRepository,
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async feed(token: string | undefined, request: FeedRequest, now = new Date()): Promise<string> {
    const { principal, tokenId } = await this.authenticate(token);
    const ctx: RequestContext = { actor: principal, ...request };
    const scope = officesFor(principal, 'tasks.read');
    // assignedTo reads in the same scope; the filter below only restates what the feed promises.
    const tasks = (await this.tasks.assignedTo(principal, principal.id)).filter(
      (t) => t.assigneeId === principal.id && scope.officeIds.includes(t.officeId),
    );
    const settings = await this.officeDb.run(scope, async (tx) => {
      const found = await this.settings.forOffices(tx);
      await this.tokens.touch(tx.manager, tokenId);
      this.accessLog.record(ctx, feedEntries(tokenId, tx.officeIds, tasks), tx);
      return found;
    });
    return renderTaskCalendar(tasks, new Map(settings.map((s) => [s.officeId, s])), now);
  }

  /** One answer for every refusal (malformed, unknown, revoked, user inactive): nothing is revealed. */
  private async authenticate(
    token: string | undefined,
  ): Promise<{ principal: Principal; tokenId: string }> {
    const refused = new AppError('unauthenticated', 'The feed token is not valid.');
    if (!looksLikeFeedToken(token)) throw refused;
    const owner = await this.tokens.owner(hashFeedToken(token));
    if (!owner) throw refused;
    // The user's current epoch: a feed token outlives a password change (it is revoked on its
    // own), not a deactivation, which activeUserPrincipal refuses.
    const principal = await this.credentials.activeUserPrincipal(owner.userId, owner.tokenEpoch);
    if (!principal) throw refused;
    return { principal, tokenId: owner.id };
  }
}

/**
 * One entry per office whose tasks the feed could show (its lead reads the office's log), with
 * the count shown from it; codes and ids only. An entry without office when the user holds
 * tasks.read nowhere any more.
 */
function feedEntries(tokenId: string, officeIds: readonly string[], tasks: Task[]): AccessEntry[] {
  const entry = (officeId: string | null, count: number): AccessEntry => ({
    officeId,
    resourceType: 'task_feed',
    resourceId: tokenId,
    action: 'list',
    details: { count },
  });
  if (officeIds.length === 0) return [entry(null, 0)];
  return officeIds.map((id) => entry(id, tasks.filter((t) => t.officeId === id).length));
}
