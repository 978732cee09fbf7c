import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

@ApiSchema({ name: 'CreateFeedToken', description: 'A new calendar feed token of the caller' })
export class CreateFeedTokenDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    example: 'Outlook on my laptop',
    description: 'To recognise the token by (which device or calendar uses it)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

@ApiSchema({ name: 'FeedToken', description: 'A calendar feed token, without its secret' })
export class FeedTokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Outlook on my laptop' }) name: string;
  @ApiProperty({
    description: 'First characters of the token, to recognise it',
    example: 'lotse_feed_3kq9Zx',
  })
  prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When a calendar last fetched the feed with it (to the minute); null: never',
  })
  lastUsedAt: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'null while the token works',
  })
  revokedAt: string | null;
}

@ApiSchema({
  name: 'FeedTokenCreated',
  description: 'A new feed token with its secret and feed address, which are shown this once',
})
export class CreatedFeedTokenDto extends FeedTokenDto {
  @ApiProperty({
    description: 'The token itself: shown this once, only its hash is stored',
    example: 'lotse_feed_3kq9Zx_Vb0fT1mY4nQ8sW2eR6uI9oP3aS5dF7gH1jK',
  })
  token: string;

  @ApiProperty({
    description:
      'The feed\u2019s path with the token, to subscribe to (prepend this instance\u2019s origin)',
    example: '/api/v1/tasks.ics?token=lotse_feed_3kq9Zx_Vb0fT1mY4nQ8sW2eR6uI9oP3aS5dF7gH1jK',
  })
  feedUrl: string;
}

@ApiSchema({
  name: 'FeedTokenList',
  description: 'The caller\u2019s feed tokens, newest first, revoked ones included',
})
export class FeedTokenListDto {
  @ApiProperty({ type: [FeedTokenDto] }) items: FeedTokenDto[];
}

/**
 * The feed token: the feed's only credential. No length limit here: a string of any other shape is
 * refused as unauthenticated without a query (401, like an unknown token), not as invalid input;
 * so is a request without one (no credential, as on every other route).
 */
export class TaskFeedQueryDto {
  @IsOptional()
  @ApiPropertyOptional({
    description: 'A feed token from POST /api/v1/users/me/feed-tokens',
    example: 'lotse_feed_3kq9Zx_Vb0fT1mY4nQ8sW2eR6uI9oP3aS5dF7gH1jK',
  })
  @IsString()
  token?: string;
}
