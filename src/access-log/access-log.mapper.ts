import type { AccessLogEntryDto } from './dto/access-log-entry.dto';
import type { AccessLogRow } from './access-log.repository';
import type { AccessAction } from './access-log.service';

/** An access_log row as GET /access-log answers it. */
export function toAccessLogEntry(r: AccessLogRow): AccessLogEntryDto {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actorType: r.actor_type,
    actorId: r.actor_id,
    officeId: r.office_id,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    action: r.action as AccessAction,
    requestId: r.request_id,
    details: r.details,
  };
}
