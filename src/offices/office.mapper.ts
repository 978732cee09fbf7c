import type { ApiKeyDto, OfficeDto } from './dto/office.dto';
import type { ApiKeyRow, OfficeRow } from './offices.repository';

export function toOfficeDto(row: OfficeRow): OfficeDto {
  return {
    id: row.id,
    name: row.name,
    code: row.code,
    region: row.region,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A key as answered: its prefix identifies it, the secret itself is shown once, at creation. */
export function toApiKeyDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
