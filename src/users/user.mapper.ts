import type { OfficeIds } from '../auth/office-scope';
import type { UserDto } from './dto/user.dto';
import type { UserRow } from './users.repository';

/** The API shape; a lead sees only the memberships in the offices they lead. */
export function toUserDto(row: UserRow, visibleOffices: OfficeIds = 'every'): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    admin: row.is_admin,
    active: row.is_active,
    memberships: row.memberships.filter(
      (m) => visibleOffices === 'every' || visibleOffices.includes(m.officeId),
    ),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
