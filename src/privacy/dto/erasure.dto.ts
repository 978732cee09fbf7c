import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'ErasureCounts', description: 'What an erasure removed or blanked' })
export class ErasureCountsDto {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 2,
    description: 'Cases whose free texts were erased',
  })
  cases: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 3,
    description: 'Free texts of case history entries deleted (the entries themselves stay)',
  })
  texts: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'Contacts whose notes and topics were erased',
  })
  contacts: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'Manual tasks whose titles were erased (the tasks stay)',
  })
  tasks: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'Follow-ups whose notes were erased (the follow-ups stay)',
  })
  followUps: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'RE_SET analyses whose free texts were erased',
  })
  analyses: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description:
      'ESF Plus voluntary answers (disability, minority, homelessness; GDPR Art. 9) deleted, one per case',
  })
  esfVoluntaryAnswers: number;
}

@ApiSchema({ name: 'ErasureResult', description: 'The outcome of an erasure (GDPR Art. 17)' })
export class ErasureResultDto {
  @ApiProperty({ format: 'uuid' })
  founderId: string;

  @ApiProperty({
    enum: [true],
    description: 'Always true: an erasure either happens as a whole or not at all',
  })
  erased: true;

  @ApiProperty({ type: String, format: 'date-time' })
  erasedAt: string;

  @ApiProperty({ type: ErasureCountsDto })
  counts: ErasureCountsDto;
}
