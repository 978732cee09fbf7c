import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessLogService } from '../access-log/access-log.service';
import { holdsIn, OfficeIds, officesFor } from '../auth/office-scope';
import { hashPassword } from '../auth/password';
import type { Membership } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, toPage } from '../common/pagination/cursor';
import { OfficeDb } from '../database/office-transaction';
import type { CreateUserDto, MeDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto';
import { toUserDto } from './user.mapper';
import { UserRow, UsersRepository } from './users.repository';

const LEAD_MANAGED_ROLES = ['advisor', 'lead'];

/**
 * Users and their memberships. Admins manage everyone; a lead manages the advisor and lead
 * memberships of the offices they lead and nothing else; everyone may change their own name and
 * password. Users are not office data, but their access-log entries are: each use case runs in an
 * OfficeDb transaction scoped by 'users.administer' (entries without an office pass in any scope).
 */
@Injectable()
export class UsersService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserDto> {
    const memberships = dto.memberships ?? [];
    if (!ctx.actor.isAdmin) {
      if (dto.admin)
        throw new AppError('forbidden', 'Only administrators can create administrators.');
      if (memberships.length === 0) {
        throw new AppError('validation_failed', 'Give the new user a membership in your office.', {
          errors: [
            { field: 'memberships', message: 'at least one membership in an office you lead' },
          ],
        });
      }
      this.assertLeadMayAssign(ctx, memberships);
    }
    assertOneMembershipPerOffice(memberships);
    const passwordHash = await hashPassword(dto.password);
    return this.officeDb.run(officesFor(ctx.actor, 'users.administer'), async (tx) => {
      await this.assertOfficesExist(memberships, tx.manager);
      const newId = await this.users.insert(tx.manager, {
        email: dto.email,
        name: dto.name,
        passwordHash,
        isAdmin: dto.admin ?? false,
      });
      if (!newId) throw new AppError('email_taken', 'A user with this email already exists.');
      // A new user has no memberships yet: nothing outside the caller's offices to keep.
      await this.users.replaceMemberships(tx.manager, newId, 'every', memberships);
      this.accessLog.record(
        ctx,
        {
          officeId: memberships[0]?.officeId ?? null,
          resourceType: 'user',
          resourceId: newId,
          action: 'create',
        },
        tx,
      );
      return toUserDto((await this.users.findById(newId, tx.manager))!);
    });
  }

  async list(ctx: RequestContext, limit = 50, cursor?: string): Promise<UserPageDto> {
    const after = decodeCursor(cursor, ['timestamp', 'uuid']) as [string, string] | null;
    const scope = officesFor(ctx.actor, 'users.administer');
    return this.officeDb.run(scope, async (tx) => {
      const rows = await this.users.list(tx.manager, scope.officeIds, limit, after);
      this.accessLog.record(
        ctx,
        { officeId: null, resourceType: 'user', resourceId: null, action: 'list' },
        tx,
      );
      return toPage(
        rows,
        limit,
        (r) => toUserDto(r, scope.officeIds),
        (r) => [r.cursor_at, r.id],
      );
    });
  }

  // Anyone may read themselves: the scope is still 'users.administer' (maybe no office); the
  // entry has no office, so it passes in any scope.
  async get(ctx: RequestContext, id: string): Promise<UserDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'users.administer'), async (tx) => {
      const row = await this.visibleUser(ctx, id, tx.manager);
      this.accessLog.record(
        ctx,
        { officeId: null, resourceType: 'user', resourceId: id, action: 'read' },
        tx,
      );
      return toUserDto(row, this.visibleOffices(ctx, id));
    });
  }

  async update(ctx: RequestContext, id: string, dto: UpdateUserDto): Promise<UserDto> {
    // Checked before the password is hashed, which is slow and must not hold a transaction open.
    const target = await this.visibleUser(ctx, id);
    const self = ctx.actor.kind === 'user' && ctx.actor.id === id;
    if (!ctx.actor.isAdmin) {
      if (dto.active !== undefined)
        throw new AppError('forbidden', 'Only administrators can (de)activate users.');
      if ((dto.name !== undefined || dto.password !== undefined) && !self) {
        throw new AppError(
          'forbidden',
          'Only administrators can change another user\u2019s name or password.',
        );
      }
      if (dto.memberships !== undefined) this.assertLeadMayReplace(ctx, target, dto.memberships);
    }
    if (dto.memberships) assertOneMembershipPerOffice(dto.memberships);
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    const scope = officesFor(ctx.actor, 'users.administer');
    return this.officeDb.run(scope, async (tx) => {
      if (dto.memberships) await this.assertOfficesExist(dto.memberships, tx.manager);
      await this.users.update(tx.manager, id, {
        name: dto.name,
        isActive: dto.active,
        passwordHash,
      });
      // A lead replaces the memberships of the offices they lead only; an admin all of them.
      if (dto.memberships)
        await this.users.replaceMemberships(tx.manager, id, scope.officeIds, dto.memberships);
      this.accessLog.record(
        ctx,
        {
          officeId: null,
          resourceType: 'user',
          resourceId: id,
          action: 'update',
          details: { fields: Object.keys(dto) },
        },
        tx,
      );
      return toUserDto((await this.users.findById(id, tx.manager))!, this.visibleOffices(ctx, id));
    });
  }

  async me(ctx: RequestContext): Promise<MeDto> {
    if (ctx.actor.kind === 'api_key') {
      return {
        kind: 'api_key',
        id: ctx.actor.id,
        admin: false,
        memberships: ctx.actor.memberships,
      };
    }
    const row = await this.users.findById(ctx.actor.id);
    return { kind: 'user', ...toUserDto(row!) };
  }

  /** A user the actor may see: admins all, leads those in their offices, anyone themselves. */
  private async visibleUser(
    ctx: RequestContext,
    id: string,
    manager?: EntityManager,
  ): Promise<UserRow> {
    const row = await this.users.findById(id, manager);
    const offices = this.visibleOffices(ctx, id);
    const visible =
      row && (offices === 'every' || row.memberships.some((m) => offices.includes(m.officeId)));
    if (!visible) throw new AppError('not_found', 'No such user.');
    return row;
  }

  /** 'every' for an admin and for oneself, else the offices where the actor administers users. */
  private visibleOffices(ctx: RequestContext, id: string): OfficeIds {
    if (ctx.actor.kind === 'user' && ctx.actor.id === id) return 'every';
    return officesFor(ctx.actor, 'users.administer').officeIds;
  }

  private assertLeadMayAssign(ctx: RequestContext, memberships: Membership[]): void {
    for (const m of memberships) {
      if (
        !holdsIn(ctx.actor, 'users.administer', m.officeId) ||
        !LEAD_MANAGED_ROLES.includes(m.role)
      ) {
        throw new AppError(
          'forbidden',
          'A lead assigns only advisor and lead roles in offices they lead.',
        );
      }
    }
  }

  private assertLeadMayReplace(
    ctx: RequestContext,
    target: UserRow,
    memberships: Membership[],
  ): void {
    this.assertLeadMayAssign(ctx, memberships);
    if (
      target.memberships.some(
        (m) =>
          holdsIn(ctx.actor, 'users.administer', m.officeId) &&
          !LEAD_MANAGED_ROLES.includes(m.role),
      )
    ) {
      throw new AppError('forbidden', 'Only administrators change auditor memberships.');
    }
  }

  private async assertOfficesExist(memberships: Membership[], tx: EntityManager): Promise<void> {
    const ids = memberships.map((m) => m.officeId);
    const existing = await this.users.existingOffices(ids, tx);
    const unknown = ids.filter((id) => !existing.includes(id));
    if (unknown.length > 0) {
      throw new AppError('office_unknown', 'A membership names an office that does not exist.', {
        errors: unknown.map((id) => ({
          field: 'memberships.officeId',
          message: `no office ${id}`,
        })),
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
