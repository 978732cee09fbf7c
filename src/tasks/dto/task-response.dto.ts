import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { TASK_KINDS, type Task, type TaskKind } from '../task';

const DATE = { type: String, format: 'date', example: '2026-03-02' } as const;
const UUID_OR_NULL = { type: String, format: 'uuid', nullable: true } as const;

@ApiSchema({ name: 'TaskReason', description: 'Why a task exists: codes, dates and numbers only' })
export class TaskReasonDto {
  @ApiProperty({
    description: 'The rule in words',
    example: 'EKS period end + 2 months (office setting eksFinalOffsetMonths)',
  })
  rule: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', format: 'date' },
    description: 'The dates the due date came from, by name',
    example: { periodStart: '2026-01-01', periodEnd: '2026-06-30' },
  })
  dates: Record<string, string>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
    description: 'The office settings the rule used, by name',
    example: { eksFinalOffsetMonths: 2 },
  })
  settings: Record<string, number | string>;
}

@ApiSchema({
  name: 'Task',
  description: 'A task on the desk: derived from the data by a rule (never stored), or manual',
})
export class TaskDto implements Task {
  @ApiProperty({
    description: 'Stable while the task exists: its kind and subject',
    example: 'stale_case:0b5f3c55-6f9e-4a53-9d4c-2f4f0d3b7a11',
  })
  id: string;
  @ApiProperty({ enum: TASK_KINDS, enumName: 'TaskKind' })
  kind: TaskKind;
  @ApiProperty({ format: 'uuid' })
  officeId: string;
  @ApiProperty({ ...UUID_OR_NULL, description: 'The case the task is about' })
  caseId: string | null;
  @ApiProperty({ ...UUID_OR_NULL, description: 'The RE_SET analysis (an EKS period\u2019s)' })
  analysisId: string | null;
  @ApiProperty({ ...DATE })
  dueOn: string;
  @ApiProperty({
    ...DATE,
    nullable: true,
    description: 'After this day the task no longer matters',
  })
  horizonOn: string | null;
  @ApiProperty({
    ...UUID_OR_NULL,
    description: 'The case\u2019s advisor, a manual task\u2019s assignee',
  })
  assigneeId: string | null;
  @ApiProperty({ type: TaskReasonDto })
  reason: TaskReasonDto;
  @ApiProperty({ type: String, nullable: true, description: 'A manual task\u2019s title' })
  title: string | null;
}

@ApiSchema({ name: 'TaskPage', description: 'One keyset page of open tasks, by due date then id' })
export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] })
  items: TaskDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}
