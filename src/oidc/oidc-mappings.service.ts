import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { OfficeDb } from '../database/office-transaction';
import type {
  CreateOidcMappingDto,
  OidcMappingDto,
  OidcMappingListDto,
} from './dto/oidc-mapping.dto';
import { OidcMappingRow, OidcRepository } from './oidc.repository';

/**
 * The admins' table of which provider group gives which office role. A change counts from the
 * next request of each user (memberships are computed per request), so nothing else is updated
 * here. Each use case runs in an OfficeDb transaction for its access-log entry, as user changes do.
 */
@Injectable()
export class OidcMappingsService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(OidcRepository) private readonly repository: OidcRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  create(ctx: RequestContext, dto: CreateOidcMappingDto): Promise<OidcMappingDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'oidc_mappings.administer'), async (tx) => {
      if (!(await this.repository.officeExists(tx.manager, dto.officeId))) {
        throw new AppError('office_unknown', 'The mapping names an office that does not exist.', {
          errors: [{ field: 'officeId', message: `no office ${dto.officeId}` }],
        });
      }
      const row = await this.repository.insertMapping(tx.manager, {
        claimValue: dto.claimValue,
        officeId: dto.officeId,
        role: dto.role,
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      });
      if (!row) {
        throw new AppError(
          'oidc_mapping_exists',
          'This group already has a role in this office: delete that mapping first.',
        );
      }
      this.accessLog.record(
        ctx,
        {
          officeId: row.office_id,
          resourceType: 'oidc_mapping',
          resourceId: row.id,
          action: 'create',
        },
        tx,
      );
      return toDto(row);
    });
  }

  list(ctx: RequestContext): Promise<OidcMappingListDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'oidc_mappings.administer'), async (tx) => {
      const rows = await this.repository.listMappings(tx.manager);
      this.accessLog.record(
        ctx,
        { officeId: null, resourceType: 'oidc_mapping', resourceId: null, action: 'list' },
        tx,
      );
      return { items: rows.map(toDto) };
    });
  }

  delete(ctx: RequestContext, id: string): Promise<void> {
    return this.officeDb.run(officesFor(ctx.actor, 'oidc_mappings.administer'), async (tx) => {
      const row = await this.repository.deleteMapping(tx.manager, id);
      if (!row) throw new AppError('not_found', 'No such mapping.');
      this.accessLog.record(
        ctx,
        { officeId: row.office_id, resourceType: 'oidc_mapping', resourceId: id, action: 'delete' },
        tx,
      );
    });
  }
}

function toDto(row: OidcMappingRow): OidcMappingDto {
  return {
    id: row.id,
    claimValue: row.claim_value,
    officeId: row.office_id,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}
