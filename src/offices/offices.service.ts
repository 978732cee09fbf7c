import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { generateApiKey } from '../auth/api-key-hash';
import { holdsIn, narrowTo, officesFor, requireAccess } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { OfficeDb } from '../database/office-transaction';
import type {
  ApiKeyListDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  CreateOfficeDto,
  OfficeDto,
  OfficeListDto,
  UpdateOfficeDto,
} from './dto/office.dto';
import { toApiKeyDto, toOfficeDto } from './office.mapper';
import { OfficeRow, OfficesRepository } from './offices.repository';

/**
 * Offices (administered by admins) and their API keys (managed by the office's leads and admins).
 * office and api_key are not under row-level security, but their access-log entries are: a use
 * case that writes one runs in an OfficeDb transaction scoped to exactly the office it concerns.
 */
@Injectable()
export class OfficesService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(OfficesRepository) private readonly offices: OfficesRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async create(ctx: RequestContext, dto: CreateOfficeDto): Promise<OfficeDto> {
    // 'offices.administer' is the admin's 'every', resolved when a transaction opens: it would not
    // hold an office that does not exist yet. So the id comes first and the scope is that office.
    const id = randomUUID();
    const row = await this.officeDb.run({ officeIds: [id] }, async (tx) => {
      const inserted = await this.offices.insert(tx.manager, {
        id,
        code: dto.code,
        name: dto.name,
        region: dto.region ?? null,
      });
      if (!inserted)
        throw new AppError('office_code_taken', `The office code ${dto.code} is already in use.`);
      this.accessLog.record(
        ctx,
        { officeId: id, resourceType: 'office', resourceId: id, action: 'create' },
        tx,
      );
      return inserted;
    });
    return toOfficeDto(row);
  }

  // No access-log entry and no office data: a plain read of the offices in the caller's scope.
  async list(ctx: RequestContext): Promise<OfficeListDto> {
    return {
      items: (await this.offices.list(officesFor(ctx.actor, 'offices.read').officeIds)).map(
        toOfficeDto,
      ),
    };
  }

  async get(ctx: RequestContext, id: string): Promise<OfficeDto> {
    return toOfficeDto(await this.visibleOffice(ctx, id));
  }

  async update(ctx: RequestContext, id: string, dto: UpdateOfficeDto): Promise<OfficeDto> {
    const row = await this.officeDb.run(
      narrowTo(officesFor(ctx.actor, 'offices.administer'), id),
      async (tx) => {
        await this.visibleOffice(ctx, id, tx.manager);
        if (dto.code && (await this.offices.codeTaken(tx.manager, dto.code, id))) {
          throw new AppError('office_code_taken', `The office code ${dto.code} is already in use.`);
        }
        const updated = await this.offices.update(tx.manager, id, dto);
        this.accessLog.record(
          ctx,
          { officeId: id, resourceType: 'office', resourceId: id, action: 'update' },
          tx,
        );
        return updated;
      },
    );
    return toOfficeDto(row);
  }

  async createApiKey(
    ctx: RequestContext,
    officeId: string,
    dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    await this.officeLedBy(ctx, officeId);
    const secret = generateApiKey();
    const row = await this.officeDb.run(
      narrowTo(officesFor(ctx.actor, 'api_keys.administer'), officeId),
      async (tx) => {
        const inserted = await this.offices.insertApiKey(tx.manager, {
          officeId,
          name: dto.name,
          role: dto.role,
          hash: secret.hash,
          prefix: secret.prefix,
          createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
        });
        this.accessLog.record(
          ctx,
          { officeId, resourceType: 'api_key', resourceId: inserted.id, action: 'create' },
          tx,
        );
        return inserted;
      },
    );
    return { ...toApiKeyDto(row), key: secret.key };
  }

  async listApiKeys(ctx: RequestContext, officeId: string): Promise<ApiKeyListDto> {
    await this.officeLedBy(ctx, officeId);
    return { items: (await this.offices.listApiKeys(officeId)).map(toApiKeyDto) };
  }

  async revokeApiKey(ctx: RequestContext, officeId: string, id: string): Promise<void> {
    await this.officeLedBy(ctx, officeId);
    await this.officeDb.run(
      narrowTo(officesFor(ctx.actor, 'api_keys.administer'), officeId),
      async (tx) => {
        if (!(await this.offices.revokeApiKey(tx.manager, officeId, id)))
          throw new AppError('not_found', 'No such API key.');
        this.accessLog.record(
          ctx,
          { officeId, resourceType: 'api_key', resourceId: id, action: 'delete' },
          tx,
        );
      },
    );
  }

  /** Admins see every office, everyone else the offices they belong to; others do not exist (404). */
  private async visibleOffice(
    ctx: RequestContext,
    id: string,
    manager?: EntityManager,
  ): Promise<OfficeRow> {
    const row = await this.offices.findById(id, manager);
    if (!row || !holdsIn(ctx.actor, 'offices.read', id))
      throw new AppError('not_found', 'No such office.');
    return row;
  }

  private async officeLedBy(ctx: RequestContext, officeId: string): Promise<void> {
    await this.visibleOffice(ctx, officeId);
    requireAccess(
      ctx.actor,
      'api_keys.administer',
      officeId,
      'Only leads of this office and admins manage its API keys.',
    );
  }
}
