import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ChainState } from '../history-chain/stored-chain';
import type { BilingualLabel } from '../phase-model';
import { ACTOR_TYPE_ENUM, type ActorType } from '../access-log/dto/access-log-entry.dto';

/**
 * Response schemas that more than one module answers: labels of the published models, and the
 * parts of an append-only history (case and RE_SET) with the verification of its hash chain.
 */

@ApiSchema({ name: 'BilingualLabel', description: 'A text in German and English' })
export class BilingualLabelDto implements BilingualLabel {
  @ApiProperty({ example: 'Planung' })
  de: string;
  @ApiProperty({ example: 'Planning' })
  en: string;
}

// Who wrote a history row or an access-log entry: one list (the columns' CHECK: also `system`).
export type { ActorType } from '../access-log/dto/access-log-entry.dto';

@ApiSchema({ name: 'HistoryActor', description: 'Who caused a history entry' })
export class HistoryActorDto {
  @ApiProperty({
    ...ACTOR_TYPE_ENUM,
    description: 'A staff member, an office API key, or the service itself',
  })
  type: ActorType;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The user or API key; null for the service',
  })
  id: string | null;
}

@ApiSchema({
  name: 'HistoryTexts',
  description:
    'The free texts of a history entry, kept apart from the chained row so that they can be erased',
})
export class HistoryTextsDto {
  @ApiPropertyOptional({
    description: 'The reason given with the event',
    example: 'Founder is ill for two months.',
  })
  reason?: string;
  @ApiPropertyOptional({ description: 'A note given with the event' })
  note?: string;
}

export const CHAIN_BREAK_REASONS = [
  'sequence_gap',
  'prev_hash_mismatch',
  'hash_mismatch',
  'unknown_format',
  'text_mismatch',
] as const satisfies readonly NonNullable<ChainState['firstBroken']>['reason'][];
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

const SHA256_HEX = '^[0-9a-f]{64}$';

@ApiSchema({
  name: 'ChainBreak',
  description: 'The first history entry at which the hash chain does not hold',
})
export class ChainBreakDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 4 })
  seq: number;
  @ApiProperty({
    enum: CHAIN_BREAK_REASONS,
    enumName: 'ChainBreakReason',
    description: 'text_mismatch: a kept free text does not match the digest sealed into its row',
  })
  reason: ChainBreakReason;
}

@ApiSchema({
  name: 'ChainVerification',
  description: 'The hash chain of a history, recomputed from the stored rows (?verify=true)',
})
export class ChainVerificationDto implements ChainState {
  @ApiProperty({ description: 'Every row links to the one before and hashes to its stored hash' })
  valid: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The number of rows checked' })
  length: number;
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: SHA256_HEX,
    description: 'The hash of the last row; null for an empty history',
  })
  head: string | null;
  @ApiProperty({ type: ChainBreakDto, nullable: true, description: 'null when the chain is valid' })
  firstBroken: ChainBreakDto | null;
}

/** The pattern of a history row's hash and prevHash (SHA-256, hex). */
export const HASH_PATTERN = SHA256_HEX;
