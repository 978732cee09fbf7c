import type { FollowUpDto } from './dto/follow-up.dto';
import type { FollowUpRow } from './follow-ups.repository';

export function toFollowUpDto(row: FollowUpRow): FollowUpDto {
  return {
    id: row.id,
    caseId: row.case_id,
    officeId: row.office_id,
    on: row.on,
    situation: row.situation,
    stillSelfEmployed: row.still_self_employed,
    note: row.note,
    historySeq: row.history_seq,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}
