import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { generateApiKey } from '../auth/api-key-hash';
import { isMember, roleIn } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { inTransaction } from '../database/transaction';
import type {
  ApiKeyDto,
  ApiKeyListDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  CreateOfficeDto,
  OfficeDto,
  OfficeListDto,
  UpdateOfficeDto,
} from './dto/office.dto';
import { ApiKeyRow, OfficeRow, OfficesRepository } from './offices.repository';

/** Offices (administered by admins) and their API keys (managed by the office's leads and admins). */
@Injectable()
export class OfficesService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(OfficesRepository) private readonly offices: OfficesRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async create(ctx: RequestContext, dto: CreateOfficeDto): Promise<OfficeDto> {
    const row = await inTransaction(this.db, async (tx) => {
      const inserted = await this.offices.insert(tx, { code: dto.code, name: dto.name, region: dto.region ?? null });
      if (!inserted) throw new AppError('office_code_taken', `The office code ${dto.code} is already in use.`);
      await this.accessLog.record(ctx, { officeId: inserted.id, resourceType: 'office', resourceId: inserted.id, action: 'create' }, tx);
      return inserted;
    });
    return toOfficeDto(row);
  }

  async list(ctx: RequestContext): Promise<OfficeListDto> {
    const ids = ctx.actor.isAdmin ? null : ctx.actor.memberships.map((m) => m.officeId);
    return { items: (await this.offices.list(ids)).map(toOfficeDto) };
  }

  async get(ctx: RequestContext, id: string): Promise<OfficeDto> {
    return toOfficeDto(await this.visibleOffice(ctx, id));
  }

  async update(ctx: RequestContext, id: string, dto: UpdateOfficeDto): Promise<OfficeDto> {
    await this.visibleOffice(ctx, id);
    if (dto.code && (await this.offices.codeTaken(dto.code, id))) {
      throw new AppError('office_code_taken', `The office code ${dto.code} is already in use.`);
    }
    const row = await inTransaction(this.db, async (tx) => {
      const updated = await this.offices.update(tx, id, dto);
      await this.accessLog.record(ctx, { officeId: id, resourceType: 'office', resourceId: id, action: 'update' }, tx);
      return updated;
    });
    return toOfficeDto(row);
  }

  async createApiKey(ctx: RequestContext, officeId: string, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    await this.officeLedBy(ctx, officeId);
    const secret = generateApiKey();
    const row = await inTransaction(this.db, async (tx) => {
      const inserted = await this.offices.insertApiKey(tx, {
        officeId,
        name: dto.name,
        role: dto.role,
        hash: secret.hash,
        prefix: secret.prefix,
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      });
      await this.accessLog.record(ctx, { officeId, resourceType: 'api_key', resourceId: inserted.id, action: 'create' }, tx);
      return inserted;
    });
    return { ...toApiKeyDto(row), key: secret.key };
  }

  async listApiKeys(ctx: RequestContext, officeId: string): Promise<ApiKeyListDto> {
    await this.officeLedBy(ctx, officeId);
    return { items: (await this.offices.listApiKeys(officeId)).map(toApiKeyDto) };
  }

  async revokeApiKey(ctx: RequestContext, officeId: string, id: string): Promise<void> {
    await this.officeLedBy(ctx, officeId);
    await inTransaction(this.db, async (tx) => {
      if (!(await this.offices.revokeApiKey(tx, officeId, id))) throw new AppError('not_found', 'No such API key.');
      await this.accessLog.record(ctx, { officeId, resourceType: 'api_key', resourceId: id, action: 'delete' }, tx);
    });
  }

  /** Admins see every office, everyone else the offices they belong to; others do not exist (404). */
  private async visibleOffice(ctx: RequestContext, id: string): Promise<OfficeRow> {
    const row = await this.offices.findById(id);
    if (!row || !(ctx.actor.isAdmin || isMember(ctx.actor, id))) throw new AppError('not_found', 'No such office.');
    return row;
  }

  private async officeLedBy(ctx: RequestContext, officeId: string): Promise<void> {
    await this.visibleOffice(ctx, officeId);
    if (!ctx.actor.isAdmin && roleIn(ctx.actor, officeId) !== 'lead') {
      throw new AppError('forbidden', 'Only leads of this office and admins manage its API keys.');
    }
  }
}

function toOfficeDto(row: OfficeRow): OfficeDto {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    region: row.region,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toApiKeyDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
