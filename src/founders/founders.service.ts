import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor, type OfficeScope } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { OfficeDb } from '../database/office-transaction';
import type {
  FounderDto,
  FounderFacetsQueryDto,
  FounderPageDto,
  ListFoundersQueryDto,
  TargetSectorListDto,
} from './dto/founder.dto';
import type { FounderFacetsDto } from './dto/founder-facets.dto';
import { toFacetsDto } from './founder-facets.mapper';
import { toGroupFilter } from '../group-filters/group-filter';
import { todayInBerlin } from '../common/time/calendar-date';
import type { CreateFounderDto, UpdateFounderDto } from './dto/founder-input.dto';
import { toColumns, toFounderDto } from './founder.mapper';
import { assertTargetSector } from './target-sector-check';
import { FoundersRepository } from './founders.repository';
import { refuseWhileInTransfer } from '../transfers/in-transfer';

/**
 * The offices whose founders the caller may see (founders.read) and change (founders.write): those
 * where they are advisor or lead. Admins get no implicit access: founder data are social data
 * (SGB X), and admins administer offices and users only. Auditors get pseudonymised exports, never
 * these records.
 */
function idsOf(scope: OfficeScope): readonly string[] {
  return scope.officeIds === 'every' ? [] : scope.officeIds;
}

/** Founders: the people an office serves. Every read and change is written to the access log. */
@Injectable()
export class FoundersService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(FoundersRepository) private readonly founders: FoundersRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async create(
    ctx: RequestContext,
    dto: CreateFounderDto,
    allowDuplicate: boolean,
  ): Promise<FounderDto> {
    const scope = officesFor(ctx.actor, 'founders.write');
    const officeId = this.officeForCreate(scope, dto.officeId ?? undefined);
    const columns = toColumns(dto);
    const row = await this.officeDb.run(scope, async (tx) => {
      await assertTargetSector(tx.manager, columns.profile?.target_sector, 'profile.targetSector');
      if (!allowDuplicate) {
        await this.founders.lockName(tx, officeId, dto.firstName, dto.lastName);
        const existingId = await this.founders.findDuplicate(tx, {
          officeId,
          firstName: dto.firstName,
          lastName: dto.lastName,
          postalCode: columns.postal_code ?? null,
        });
        if (existingId) {
          throw new AppError(
            'founder_duplicate',
            'A founder with this name and postal code exists in this office; ' +
              'repeat with ?allowDuplicate=true if this is another person.',
            { existingId },
          );
        }
      }
      const inserted = await this.founders.insert(tx, {
        officeId,
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
        columns,
      });
      this.accessLog.record(
        ctx,
        { officeId, resourceType: 'founder', resourceId: inserted.id, action: 'create' },
        tx,
      );
      return inserted;
    });
    return toFounderDto(row);
  }

  get(ctx: RequestContext, id: string): Promise<FounderDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'founders.read'), async (tx) => {
      const row = await this.founders.findById(tx, id);
      if (!row) throw new AppError('not_found', 'No such founder.');
      this.accessLog.record(
        ctx,
        { officeId: row.office_id, resourceType: 'founder', resourceId: id, action: 'read' },
        tx,
      );
      return toFounderDto(row);
    });
  }

  async update(ctx: RequestContext, id: string, dto: UpdateFounderDto): Promise<FounderDto> {
    const columns = toColumns(dto);
    // An empty PATCH changes nothing (and must not move the founder to the top of the list).
    if (Object.keys(columns).length === 0) return this.get(ctx, id);
    const row = await this.officeDb.run(officesFor(ctx.actor, 'founders.write'), async (tx) => {
      await assertTargetSector(tx.manager, columns.profile?.target_sector, 'profile.targetSector');
      await refuseWhileInTransfer(tx, id);
      const updated = await this.founders.update(tx, id, columns);
      if (!updated) throw new AppError('not_found', 'No such founder.');
      this.accessLog.record(
        ctx,
        {
          officeId: updated.office_id,
          resourceType: 'founder',
          resourceId: id,
          action: 'update',
          details: { fields: presentFields(dto) },
        },
        tx,
      );
      return updated;
    });
    return toFounderDto(row);
  }

  async list(ctx: RequestContext, query: ListFoundersQueryDto): Promise<FounderPageDto> {
    const scope = officesFor(ctx.actor, 'founders.read');
    const offices = idsOf(scope);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, ['timestamp', 'uuid']) as [string, string] | null;
    const q = query.q?.trim() || null;
    const filter = toGroupFilter(query, ctx.actor, todayInBerlin());
    return this.officeDb.run(scope, async (tx) => {
      const rows = await this.founders.list(tx, { q, filter, limit, after });
      // Never the search text in the log: it is usually a name. Of the filters, only their names.
      this.accessLog.record(
        ctx,
        {
          officeId: offices.length === 1 ? offices[0] : null,
          resourceType: 'founder',
          resourceId: null,
          action: 'list',
          details: {
            count: Math.min(rows.length, limit),
            ...(filter.names.length > 0 ? { filters: filter.names } : {}),
          },
        },
        tx,
      );
      return toPage(rows, limit, toFounderDto, (r) => [r.cursor_at, r.id]);
    });
  }

  /**
   * Counts per value of each profile axis over the founders the list would give for the same
   * filters (every page; erased founders are not counted, as they are not listed). Same
   * permission and office scope as the list, and logged like it: the total, no ids.
   */
  async facets(ctx: RequestContext, query: FounderFacetsQueryDto): Promise<FounderFacetsDto> {
    const scope = officesFor(ctx.actor, 'founders.read');
    const offices = idsOf(scope);
    const q = query.q?.trim() || null;
    const filter = toGroupFilter(query, ctx.actor, todayInBerlin());
    return this.officeDb.run(scope, async (tx) => {
      const rows = await this.founders.facets(tx, q, filter);
      const sectors = await this.founders.listTargetSectors(tx);
      const facets = toFacetsDto(
        rows,
        sectors.map((s) => s.code),
      );
      this.accessLog.record(
        ctx,
        {
          officeId: offices.length === 1 ? offices[0] : null,
          resourceType: 'founder_facets',
          resourceId: null,
          action: 'list',
          details: {
            total: facets.total,
            ...(filter.names.length > 0 ? { filters: filter.names } : {}),
          },
        },
        tx,
      );
      return facets;
    });
  }

  async listTargetSectors(_ctx: RequestContext): Promise<TargetSectorListDto> {
    const rows = await this.founders.listTargetSectors();
    return {
      items: rows.map((r) => ({
        code: r.code,
        labelDe: r.label_de,
        labelEn: r.label_en,
        wzSection: r.wz_section,
      })),
    };
  }

  /** The given office if the caller works there, else the caller's only office. */
  private officeForCreate(scope: OfficeScope, officeId: string | undefined): string {
    const offices = idsOf(scope);
    if (officeId !== undefined) {
      // An office the caller does not work in is not revealed to exist.
      if (!offices.includes(officeId)) throw new AppError('not_found', 'No such office.');
      return officeId;
    }
    if (offices.length === 1) return offices[0];
    throw new AppError('validation_failed', 'Say in which of your offices to create the founder.', {
      errors: [
        {
          field: 'officeId',
          message: 'officeId is required when you are advisor or lead in more than one office',
        },
      ],
    });
  }
}

/** The API fields a PATCH sent (declared DTO fields exist on the instance as undefined). */
function presentFields(dto: UpdateFounderDto): string[] {
  return Object.entries(dto)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
}
