import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { CASE_STATUS_ENUM, PHASE_ENUM } from '../../cases/dto/case-response.dto';
import type { CaseStatus, Phase } from '../../phase-model';

export const TRANSFER_STATES = ['requested', 'accepted', 'declined'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];
export const TRANSFER_DIRECTIONS = ['incoming', 'outgoing'] as const;
export type TransferDirection = (typeof TRANSFER_DIRECTIONS)[number];

const UUID = { type: String, format: 'uuid' } as const;
const REASON = { minLength: 1, maxLength: 500 } as const;

@ApiSchema({
  name: 'RequestTransfer',
  description: 'Hand a case (with its founder) to another office',
})
export class RequestTransferDto {
  @ApiProperty({
    ...UUID,
    description: 'The receiving office: an existing office other than the case\u2019s',
  })
  @IsUUID()
  toOfficeId: string;
  @ApiProperty({ ...REASON, description: 'Why (free text: the receiving office reads it)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason: string;
}

@ApiSchema({ name: 'DeclineTransfer', description: 'Decline a hand-over, optionally saying why' })
export class DeclineTransferDto {
  @ApiPropertyOptional({
    ...REASON,
    description: 'Why not (free text: the sending office reads it)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}

export class TransferListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: TRANSFER_DIRECTIONS,
    description:
      'incoming: to one of the caller\u2019s offices; outgoing: from one; both when absent',
  })
  @IsOptional()
  @IsIn(TRANSFER_DIRECTIONS)
  direction?: TransferDirection;
  @ApiPropertyOptional({ enum: TRANSFER_STATES, enumName: 'TransferState' })
  @IsOptional()
  @IsIn(TRANSFER_STATES)
  state?: TransferState;
}

@ApiSchema({
  name: 'Transfer',
  description:
    'The hand-over of a case and its founder between offices. The receiving office sees this, and the case\u2019s ' +
    'phase and status, but neither the case nor the founder until it accepts.',
})
export class TransferDto {
  @ApiProperty(UUID)
  id: string;
  @ApiProperty(UUID)
  caseId: string;
  @ApiProperty(UUID)
  fromOfficeId: string;
  @ApiProperty(UUID)
  toOfficeId: string;
  @ApiProperty({ type: String, description: 'Why the case is handed over' })
  reason: string;
  @ApiProperty({ enum: TRANSFER_STATES, enumName: 'TransferState' })
  state: TransferState;
  @ApiProperty({
    ...PHASE_ENUM,
    description: 'The case\u2019s phase when the transfer was requested',
  })
  casePhase: Phase;
  @ApiProperty({
    ...CASE_STATUS_ENUM,
    description: 'The case\u2019s status when the transfer was requested',
  })
  caseStatus: CaseStatus;
  @ApiProperty({ type: String, format: 'date-time' })
  requestedAt: string;
  @ApiProperty({ ...UUID, nullable: true, description: 'The user who asked; null: an API key' })
  requestedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;
  @ApiProperty({
    ...UUID,
    nullable: true,
    description: 'The lead who decided; null while requested',
  })
  decidedBy: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was declined, when said' })
  decisionReason: string | null;
}

@ApiSchema({
  name: 'TransferPage',
  description: 'One keyset page of transfers, newest request first',
})
export class TransferPageDto {
  @ApiProperty({ type: [TransferDto] })
  items: TransferDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}
