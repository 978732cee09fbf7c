import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService, type AccessAction } from '../../access-log/access-log.service';
import { holdsIn, narrowTo, officesFor, requireAccess } from '../../auth/office-scope';
import type { RequestContext } from '../../auth/request-context';
import { AppError } from '../../common/errors/app-error';
import { OfficeDb, type OfficeTx } from '../../database/office-transaction';
import { WebhookDestinationPolicy } from '../webhook-destination';
import { newWebhookSecret, secretPrefix, WebhookSecretCipher } from '../webhook-secret';
import type {
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook-endpoint.dto';
import { toWebhookEndpointDto } from './webhook-endpoint.mapper';
import {
  WebhookEndpointsRepository,
  type WebhookEndpointView,
} from './webhook-endpoints.repository';

/** How long the previous secret signs beside the new one after a rotation. */
export const ROTATION_GRACE_SECONDS = 24 * 60 * 60;

const PERMISSION = 'webhooks.administer';

/**
 * An office's webhook endpoints, managed by its leads and admins as its API keys are. The
 * signing secret is generated here, answered once and stored encrypted. Changes are written to
 * the access log in their transaction (ids and field names only); reads are not logged, as for
 * API keys: an endpoint holds no personal data.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(WebhookEndpointsRepository) private readonly endpoints: WebhookEndpointsRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
    @Inject(WebhookSecretCipher) private readonly cipher: WebhookSecretCipher,
    @Inject(WebhookDestinationPolicy) private readonly destinations: WebhookDestinationPolicy,
  ) {}

  async create(
    ctx: RequestContext,
    officeId: string,
    dto: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    // The URL is checked (with DNS) before the transaction opens: a slow resolver holds no connection.
    // Access comes first, so that a caller without it learns nothing from the URL check.
    this.requireRole(ctx, officeId);
    await this.checkUrl(dto.url);
    const secret = newWebhookSecret();
    const row = await this.inOffice(ctx, officeId, async (tx) => {
      const inserted = await this.endpoints.insert(tx, officeId, {
        url: dto.url,
        events: dto.events,
        description: dto.description ?? '',
        secretEncrypted: this.cipher.encrypt(secret),
        secretPrefix: secretPrefix(secret),
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      });
      this.log(ctx, tx, officeId, inserted.id, 'create');
      return inserted;
    });
    return { ...toWebhookEndpointDto(row), secret };
  }

  async list(ctx: RequestContext, officeId: string): Promise<WebhookEndpointListDto> {
    const rows = await this.inOffice(ctx, officeId, (tx) => this.endpoints.list(tx, officeId));
    return { items: rows.map(toWebhookEndpointDto) };
  }

  async get(ctx: RequestContext, officeId: string, id: string): Promise<WebhookEndpointDto> {
    const row = await this.inOffice(ctx, officeId, (tx) => this.endpoints.find(tx, officeId, id));
    return toWebhookEndpointDto(found(row));
  }

  async update(
    ctx: RequestContext,
    officeId: string,
    id: string,
    dto: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    const fields = Object.keys(dto).filter(
      (k) => dto[k as keyof UpdateWebhookEndpointDto] !== undefined,
    );
    if (fields.length === 0) {
      throw new AppError(
        'validation_failed',
        'Name at least one field to change: url, events, description or status.',
      );
    }
    this.requireRole(ctx, officeId);
    if (dto.url !== undefined) await this.checkUrl(dto.url);
    const row = await this.inOffice(ctx, officeId, async (tx) => {
      const updated = found(await this.endpoints.update(tx, officeId, id, dto));
      this.log(ctx, tx, officeId, id, 'update', { fields: fields.sort() });
      return updated;
    });
    return toWebhookEndpointDto(row);
  }

  /** Soft delete; the endpoint's pending messages are cancelled in the same transaction. */
  async delete(ctx: RequestContext, officeId: string, id: string): Promise<void> {
    await this.inOffice(ctx, officeId, async (tx) => {
      if (!(await this.endpoints.softDelete(tx, officeId, id)))
        throw new AppError('not_found', 'No such webhook endpoint.');
      const cancelled = await this.endpoints.cancelPending(tx, officeId, id);
      this.log(ctx, tx, officeId, id, 'delete', { cancelledMessages: cancelled });
    });
  }

  async rotateSecret(
    ctx: RequestContext,
    officeId: string,
    id: string,
  ): Promise<WebhookEndpointWithSecretDto> {
    const secret = newWebhookSecret();
    const row = await this.inOffice(ctx, officeId, async (tx) => {
      const rotated = found(
        await this.endpoints.rotateSecret(tx, officeId, id, {
          encrypted: this.cipher.encrypt(secret),
          prefix: secretPrefix(secret),
          graceSeconds: ROTATION_GRACE_SECONDS,
        }),
      );
      this.log(ctx, tx, officeId, id, 'update', { fields: ['secret'] });
      return rotated;
    });
    return { ...toWebhookEndpointDto(row), secret };
  }

  /**
   * Runs `work` in a transaction scoped to the office, after the checks API keys make: an office
   * that does not exist or that the caller cannot see is not found (404), one they can see but not
   * administer is forbidden (403).
   */
  private async inOffice<T>(
    ctx: RequestContext,
    officeId: string,
    work: (tx: OfficeTx) => Promise<T>,
  ): Promise<T> {
    this.requireRole(ctx, officeId);
    return this.officeDb.run(narrowTo(officesFor(ctx.actor, PERMISSION), officeId), async (tx) => {
      if (!(await this.endpoints.officeExists(tx, officeId)))
        throw new AppError('not_found', 'No such office.');
      return work(tx);
    });
  }

  private requireRole(ctx: RequestContext, officeId: string): void {
    if (!holdsIn(ctx.actor, 'offices.read', officeId))
      throw new AppError('not_found', 'No such office.');
    requireAccess(
      ctx.actor,
      PERMISSION,
      officeId,
      'Only leads of this office and admins manage its webhooks.',
    );
  }

  private async checkUrl(url: string): Promise<void> {
    const reason = await this.destinations.refuse(url);
    if (reason) {
      throw new AppError('validation_failed', `The URL cannot receive webhooks: it ${reason}.`, {
        errors: [{ field: 'url', message: `url ${reason}` }],
      });
    }
  }

  private log(
    ctx: RequestContext,
    tx: OfficeTx,
    officeId: string,
    id: string,
    action: AccessAction,
    details?: Record<string, unknown>,
  ): void {
    this.accessLog.record(
      ctx,
      { officeId, resourceType: 'webhook_endpoint', resourceId: id, action, details },
      tx,
    );
  }
}

function found(row: WebhookEndpointView | null): WebhookEndpointView {
  if (!row) throw new AppError('not_found', 'No such webhook endpoint.');
  return row;
}
