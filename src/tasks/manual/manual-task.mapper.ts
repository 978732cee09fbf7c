import type { ManualTaskDto } from './dto/manual-task.dto';
import type { ManualTaskRow } from './manual-tasks.repository';

export function toManualTaskDto(row: ManualTaskRow): ManualTaskDto {
  return {
    id: row.id,
    caseId: row.case_id,
    officeId: row.office_id,
    title: row.title,
    dueOn: row.due_on,
    assigneeId: row.assignee_id,
    done: row.done_at !== null,
    doneAt: row.done_at?.toISOString() ?? null,
    doneBy: row.done_by,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
