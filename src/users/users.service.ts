import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { hashPassword } from '../auth/password';
import { Membership, officesWithRole } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { inTransaction } from '../database/transaction';
import type { CreateUserDto, MeDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { UserRow, UsersRepository } from './users.repository';

const LEAD_MANAGED_ROLES = ['advisor', 'lead'];

/**
 * Users and their memberships. Admins manage everyone; a lead manages the advisor and lead
 * memberships of the offices they lead and nothing else; everyone may change their own name and
 * password.
 */
@Injectable()
export class UsersService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserDto> {
    const memberships = dto.memberships ?? [];
    if (!ctx.actor.isAdmin) {
      if (dto.admin) throw new AppError('forbidden', 'Only administrators can create administrators.');
      if (memberships.length === 0) {
        throw new AppError('validation_failed', 'Give the new user a membership in your office.', {
          errors: [{ field: 'memberships', message: 'at least one membership in an office you lead' }],
        });
      }
      this.assertLeadMayAssign(ctx, memberships);
    }
    assertOneMembershipPerOffice(memberships);
    const passwordHash = await hashPassword(dto.password);
    const id = await inTransaction(this.db, async (tx) => {
      await this.assertOfficesExist(memberships, tx);
      const newId = await this.users.insert(tx, {
        email: dto.email,
        name: dto.name,
        passwordHash,
        isAdmin: dto.admin ?? false,
      });
      if (!newId) throw new AppError('email_taken', 'A user with this email already exists.');
      await this.users.replaceMemberships(tx, newId, null, memberships);
      await this.accessLog.record(ctx, { officeId: memberships[0]?.officeId ?? null, resourceType: 'user', resourceId: newId, action: 'create' }, tx);
      return newId;
    });
    return toUserDto((await this.users.findById(id))!);
  }

  async list(ctx: RequestContext, limit = 50, cursor?: string): Promise<UserPageDto> {
    const after = decodeCursor(cursor, ['timestamp', 'uuid']) as [string, string] | null;
    const offices = ctx.actor.isAdmin ? null : officesWithRole(ctx.actor, ['lead']);
    const rows = await this.users.list(offices, limit, after);
    await this.accessLog.record(ctx, { officeId: null, resourceType: 'user', resourceId: null, action: 'list' });
    return toPage(rows, limit, (r) => toUserDto(r, offices), (r) => [r.cursor_at, r.id]);
  }

  async get(ctx: RequestContext, id: string): Promise<UserDto> {
    const row = await this.visibleUser(ctx, id);
    await this.accessLog.record(ctx, { officeId: null, resourceType: 'user', resourceId: id, action: 'read' });
    return toUserDto(row, this.visibleOffices(ctx, id));
  }

  async update(ctx: RequestContext, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const target = await this.visibleUser(ctx, id);
    const self = ctx.actor.kind === 'user' && ctx.actor.id === id;
    if (!ctx.actor.isAdmin) {
      if (dto.active !== undefined) throw new AppError('forbidden', 'Only administrators can (de)activate users.');
      if ((dto.name !== undefined || dto.password !== undefined) && !self) {
        throw new AppError('forbidden', 'Only administrators can change another user\u2019s name or password.');
      }
      if (dto.memberships !== undefined) this.assertLeadMayReplace(ctx, target, dto.memberships);
    }
    if (dto.memberships) assertOneMembershipPerOffice(dto.memberships);
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    await inTransaction(this.db, async (tx) => {
      if (dto.memberships) await this.assertOfficesExist(dto.memberships, tx);
      await this.users.update(tx, id, { name: dto.name, isActive: dto.active, passwordHash });
      if (dto.memberships) {
        const scope = ctx.actor.isAdmin ? null : officesWithRole(ctx.actor, ['lead']);
        await this.users.replaceMemberships(tx, id, scope, dto.memberships);
      }
      await this.accessLog.record(ctx, { officeId: null, resourceType: 'user', resourceId: id, action: 'update', details: { fields: Object.keys(dto) } }, tx);
    });
    return toUserDto((await this.users.findById(id))!, this.visibleOffices(ctx, id));
  }

  async me(ctx: RequestContext): Promise<MeDto> {
    if (ctx.actor.kind === 'api_key') {
      return { kind: 'api_key', id: ctx.actor.id, admin: false, memberships: ctx.actor.memberships };
    }
    const row = await this.users.findById(ctx.actor.id);
    return { kind: 'user', ...toUserDto(row!) };
  }

  /** A user the actor may see: admins all, leads those in their offices, anyone themselves. */
  private async visibleUser(ctx: RequestContext, id: string): Promise<UserRow> {
    const row = await this.users.findById(id);
    const offices = this.visibleOffices(ctx, id);
    const visible = row && (offices === null || row.memberships.some((m) => offices.includes(m.officeId)));
    if (!visible) throw new AppError('not_found', 'No such user.');
    return row;
  }

  /** null = all offices (admin or self), else the offices the actor leads. */
  private visibleOffices(ctx: RequestContext, id: string): string[] | null {
    if (ctx.actor.isAdmin || (ctx.actor.kind === 'user' && ctx.actor.id === id)) return null;
    return officesWithRole(ctx.actor, ['lead']);
  }

  private assertLeadMayAssign(ctx: RequestContext, memberships: Membership[]): void {
    const led = officesWithRole(ctx.actor, ['lead']);
    for (const m of memberships) {
      if (!led.includes(m.officeId) || !LEAD_MANAGED_ROLES.includes(m.role)) {
        throw new AppError('forbidden', 'A lead assigns only advisor and lead roles in offices they lead.');
      }
    }
  }

  private assertLeadMayReplace(ctx: RequestContext, target: UserRow, memberships: Membership[]): void {
    this.assertLeadMayAssign(ctx, memberships);
    const led = officesWithRole(ctx.actor, ['lead']);
    if (target.memberships.some((m) => led.includes(m.officeId) && !LEAD_MANAGED_ROLES.includes(m.role))) {
      throw new AppError('forbidden', 'Only administrators change auditor memberships.');
    }
  }

  private async assertOfficesExist(memberships: Membership[], tx: EntityManager): Promise<void> {
    const ids = memberships.map((m) => m.officeId);
    const existing = await this.users.existingOffices(ids, tx);
    const unknown = ids.filter((id) => !existing.includes(id));
    if (unknown.length > 0) {
      throw new AppError('office_unknown', 'A membership names an office that does not exist.', {
        errors: unknown.map((id) => ({ field: 'memberships.officeId', message: `no office ${id}` })),
      });
    }
  }
}

function assertOneMembershipPerOffice(memberships: Membership[]): void {
  const offices = memberships.map((m) => m.officeId);
  if (new Set(offices).size !== offices.length) {
    throw new AppError('validation_failed', 'A user has at most one role per office.', {
      errors: [{ field: 'memberships', message: 'an office appears twice' }],
    });
  }
}

/** The API shape; a lead sees only the memberships in the offices they lead. */
export function toUserDto(row: UserRow, visibleOffices: string[] | null = null): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    admin: row.is_admin,
    active: row.is_active,
    memberships: row.memberships.filter((m) => visibleOffices === null || visibleOffices.includes(m.officeId)),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
