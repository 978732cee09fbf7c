import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsCalendarDate } from '../../../common/time/calendar-date';
import { Trim } from '../../../founders/dto/founder-fields';

const DATE = { type: String, format: 'date', example: '2026-11-03' } as const;
const TITLE = {
  minLength: 1,
  maxLength: 500,
  example: 'Bewilligungsbescheid anfordern',
  description: 'Free text, trimmed; erased with the founder',
} as const;
const ASSIGNEE = {
  type: String,
  format: 'uuid',
  nullable: true,
  description: 'An active advisor or lead of the case\u2019s office; null: nobody in particular',
} as const;

@ApiSchema({ name: 'CreateManualTask', description: 'A manual task (Wiedervorlage) on a case' })
export class CreateManualTaskDto {
  @ApiProperty(TITLE)
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title: string;

  @ApiProperty({ ...DATE, description: 'When it is due' })
  @IsCalendarDate()
  dueOn: string;

  @ApiPropertyOptional(ASSIGNEE)
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;
}

/** Absent: leave as is. null is no value these fields can take (only assigneeId clears). */
const present = (_: object, value: unknown): boolean => value !== undefined;

@ApiSchema({
  name: 'UpdateManualTask',
  description:
    'The fields to change; absent fields stay. done true marks the task done (by the caller), false reopens it',
})
export class UpdateManualTaskDto {
  @ApiPropertyOptional({ description: 'true: done (now, by the caller); false: open again' })
  @ValidateIf(present)
  @IsBoolean()
  done?: boolean;

  @ApiPropertyOptional(TITLE)
  @ValidateIf(present)
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ ...DATE, description: 'When it is due' })
  @ValidateIf(present)
  @IsCalendarDate()
  dueOn?: string;

  @ApiPropertyOptional(ASSIGNEE)
  @IsOptional()
  @IsUUID()
  assigneeId?: string | null;
}

@ApiSchema({ name: 'ManualTask', description: 'A manual task (Wiedervorlage) on a case' })
export class ManualTaskDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) officeId: string;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 500,
    description: 'Free text; null after the founder was erased',
  })
  title: string | null;
  @ApiProperty({ ...DATE, description: 'When it is due' }) dueOn: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty() done: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) doneAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) doneBy: string | null;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'Also the ETag; send it back as If-Match',
  })
  version: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

@ApiSchema({
  name: 'ManualTaskList',
  description: 'The manual tasks of a case: open ones first by due day, then the done ones',
})
export class ManualTaskListDto {
  @ApiProperty({ type: [ManualTaskDto] }) items: ManualTaskDto[];
}
