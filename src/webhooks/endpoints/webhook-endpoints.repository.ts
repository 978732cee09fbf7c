import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../../database/office-transaction';
import type { WebhookEventType } from '../webhook-events';
import type { WebhookEndpointRow } from '../webhook-endpoint.row';

/** An endpoint as read back for the API: never its secrets, only the current one's prefix. */
export type WebhookEndpointView = Omit<
  WebhookEndpointRow,
  'secret_encrypted' | 'previous_secret_encrypted' | 'created_by' | 'deleted_at'
>;

// An expired previous secret no longer signs (the worker ignores it), so it is answered as none.
const VIEW = `id, office_id, url, description, events, status, disabled_reason, secret_prefix,
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END
    AS previous_secret_expires_at,
  created_at, updated_at`;

/**
 * The endpoints' queries. Every one takes the office transaction and filters by the office id as
 * well (row-level security checks it a second time); deleted endpoints are never found.
 * UPDATE … RETURNING is wrapped in a CTE: TypeORM answers a bare UPDATE with [rows, count].
 */
@Injectable()
export class WebhookEndpointsRepository {
  /** office is not under row-level security: it names offices, it holds no social data. */
  async officeExists(tx: OfficeTx, officeId: string): Promise<boolean> {
    const rows: unknown[] = await tx.manager.query(`SELECT 1 FROM office WHERE id = $1`, [
      officeId,
    ]);
    return rows.length > 0;
  }

  async insert(
    tx: OfficeTx,
    officeId: string,
    endpoint: {
      url: string;
      events: readonly WebhookEventType[];
      description: string;
      secretEncrypted: string;
      secretPrefix: string;
      createdBy: string | null;
    },
  ): Promise<WebhookEndpointView> {
    const rows: WebhookEndpointView[] = await tx.manager.query(
      `INSERT INTO webhook_endpoint
         (office_id, url, events, description, secret_encrypted, secret_prefix, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${VIEW}`,
      [
        officeId,
        endpoint.url,
        endpoint.events,
        endpoint.description,
        endpoint.secretEncrypted,
        endpoint.secretPrefix,
        endpoint.createdBy,
      ],
    );
    return rows[0];
  }

  list(tx: OfficeTx, officeId: string): Promise<WebhookEndpointView[]> {
    return tx.manager.query(
      `SELECT ${VIEW} FROM webhook_endpoint
        WHERE office_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
      [officeId],
    );
  }

  async find(tx: OfficeTx, officeId: string, id: string): Promise<WebhookEndpointView | null> {
    const rows: WebhookEndpointView[] = await tx.manager.query(
      `SELECT ${VIEW} FROM webhook_endpoint
        WHERE id = $1 AND office_id = $2 AND deleted_at IS NULL`,
      [id, officeId],
    );
    return rows[0] ?? null;
  }

  /**
   * Changes the given fields; a status (active or paused) clears disabled_reason, which only a
   * disabled endpoint has. Null when there is no such endpoint.
   */
  async update(
    tx: OfficeTx,
    officeId: string,
    id: string,
    fields: {
      url?: string;
      events?: readonly WebhookEventType[];
      description?: string;
      status?: 'active' | 'paused';
    },
  ): Promise<WebhookEndpointView | null> {
    const rows: WebhookEndpointView[] = await tx.manager.query(
      `WITH changed AS (
         UPDATE webhook_endpoint
            SET url = COALESCE($3, url),
                events = COALESCE($4::text[], events),
                description = COALESCE($5, description),
                status = COALESCE($6::text, status),
                disabled_reason = CASE WHEN $6::text IS NULL THEN disabled_reason END,
                updated_at = now()
          WHERE id = $1 AND office_id = $2 AND deleted_at IS NULL
          RETURNING *)
       SELECT ${VIEW} FROM changed`,
      [
        id,
        officeId,
        fields.url ?? null,
        fields.events ?? null,
        fields.description ?? null,
        fields.status ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  /**
   * The new secret becomes the current one; the current one becomes the previous one and signs
   * beside it until `graceSeconds` from now. A rotation during a rotation drops the older
   * previous secret (only two signatures are ever sent). Null when there is no such endpoint.
   */
  async rotateSecret(
    tx: OfficeTx,
    officeId: string,
    id: string,
    secret: { encrypted: string; prefix: string; graceSeconds: number },
  ): Promise<WebhookEndpointView | null> {
    const rows: WebhookEndpointView[] = await tx.manager.query(
      `WITH changed AS (
         UPDATE webhook_endpoint
            SET previous_secret_encrypted = secret_encrypted,
                previous_secret_expires_at = now() + make_interval(secs => $5),
                secret_encrypted = $3, secret_prefix = $4, updated_at = now()
          WHERE id = $1 AND office_id = $2 AND deleted_at IS NULL
          RETURNING *)
       SELECT ${VIEW} FROM changed`,
      [id, officeId, secret.encrypted, secret.prefix, secret.graceSeconds],
    );
    return rows[0] ?? null;
  }

  /**
   * Soft delete (the delivery log stays readable for the record); deleting a deleted endpoint
   * again changes nothing. False when the office has no such endpoint at all.
   */
  async softDelete(tx: OfficeTx, officeId: string, id: string): Promise<boolean> {
    const rows: { id: string }[] = await tx.manager.query(
      `WITH deleted AS (
         UPDATE webhook_endpoint SET deleted_at = COALESCE(deleted_at, now())
          WHERE id = $1 AND office_id = $2 RETURNING id)
       SELECT id FROM deleted`,
      [id, officeId],
    );
    return rows.length > 0;
  }

  /** The endpoint's messages that are still to be sent are not sent any more. */
  async cancelPending(tx: OfficeTx, officeId: string, endpointId: string): Promise<number> {
    const rows: { id: string }[] = await tx.manager.query(
      `WITH cancelled AS (
         UPDATE webhook_message SET state = 'cancelled', lease_owner = NULL, lease_until = NULL
          WHERE endpoint_id = $1 AND office_id = $2 AND state = 'pending' RETURNING id)
       SELECT id FROM cancelled`,
      [endpointId, officeId],
    );
    return rows.length;
  }
}
