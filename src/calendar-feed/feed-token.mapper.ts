import type { FeedTokenDto } from './dto/feed-token.dto';
import type { FeedTokenRow } from './feed-tokens.repository';

export function toFeedTokenDto(row: FeedTokenRow): FeedTokenDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
