import { Inject, Injectable } from '@nestjs/common';
import { narrowTo, officesFor } from '../../auth/office-scope';
import type { RequestContext } from '../../auth/request-context';
import { AppError } from '../../common/errors/app-error';
import { decodeCursor, toPage } from '../../common/pagination/cursor';
import { OfficeDb, type OfficeTx } from '../../database/office-transaction';
import type {
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDeliveryQueryDto,
  WebhookRedeliveryDto,
} from './dto/webhook-delivery.dto';
import { type DeliveryListRow, OutboxRepository } from './outbox.repository';

/**
 * An endpoint's delivery log and redelivery: the office's leads and admins. Another office's
 * endpoint, or one that was deleted, is not found (404): a deleted endpoint's log goes with it.
 */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(OutboxRepository) private readonly outbox: OutboxRepository,
  ) {}

  list(
    ctx: RequestContext,
    officeId: string,
    webhookId: string,
    q: WebhookDeliveryQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor, ['timestamp', 'uuid']) as [string, string] | null;
    return this.officeDb.run(this.scope(ctx, officeId), async (tx) => {
      await this.endpoint(tx, officeId, webhookId);
      const rows = await this.outbox.listDeliveries(tx, webhookId, {
        messageId: q.messageId,
        after,
        limit,
      });
      return toPage(rows, limit, toDeliveryDto, (r) => [r.cursor_at, r.id]);
    });
  }

  redeliver(
    ctx: RequestContext,
    officeId: string,
    webhookId: string,
    deliveryId: string,
  ): Promise<WebhookRedeliveryDto> {
    return this.officeDb.run(this.scope(ctx, officeId), async (tx) => {
      const endpoint = await this.endpoint(tx, officeId, webhookId);
      // A paused endpoint keeps collecting (the message waits for it to be resumed); a disabled
      // one sends nothing until it is enabled again, so a redelivery would only wait unseen.
      if (endpoint.status === 'disabled') {
        throw new AppError(
          'conflict',
          'The webhook is disabled; enable it again before sending a message again.',
        );
      }
      const result = await this.outbox.redeliver(tx, webhookId, deliveryId);
      if (result === null) throw new AppError('not_found', 'No such delivery of this webhook.');
      if (result === 'in_flight') {
        throw new AppError(
          'conflict',
          'An attempt of this message is under way; ask again when it is in the log.',
        );
      }
      return result;
    });
  }

  /** The scope of the office in the path: empty (so: not found) when the caller lacks it there. */
  private scope(ctx: RequestContext, officeId: string) {
    return narrowTo(officesFor(ctx.actor, 'webhooks.administer'), officeId);
  }

  private async endpoint(tx: OfficeTx, officeId: string, webhookId: string) {
    const endpoint = await this.outbox.endpoint(tx, officeId, webhookId);
    if (!endpoint) throw new AppError('not_found', 'No such webhook in this office.');
    return endpoint;
  }
}

function toDeliveryDto(row: DeliveryListRow): WebhookDeliveryDto {
  return {
    id: row.id,
    messageId: row.message_id,
    eventType: row.event_type,
    attempt: row.attempt,
    trigger: row.trigger,
    startedAt: new Date(row.started_at).toISOString(),
    durationMs: row.duration_ms,
    outcome: row.outcome,
    responseStatus: row.response_status,
    responseBody: row.response_body,
    error: row.error,
    nextAttemptAt: row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null,
  };
}
