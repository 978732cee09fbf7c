import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

export class CreateOfficeDto {
  @ApiProperty({ example: 'RUN Mainz' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'RUN-MZ', description: 'Unique, upper-case letters, digits and dashes' })
  @Matches(CODE, { message: 'code must be 2-32 upper-case letters, digits or dashes, e.g. RUN-MZ' })
  code: string;

  @ApiPropertyOptional({ example: 'Rheinhessen' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  region?: string;
}

export class UpdateOfficeDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CODE, { message: 'code must be 2-32 upper-case letters, digits or dashes, e.g. RUN-MZ' })
  code?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf((_, v) => v !== null)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  region?: string | null;
}

export class OfficeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() code: string;
  @ApiProperty({ nullable: true }) region: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Frontend RUN Mainz' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ['advisor', 'auditor'] })
  @IsIn(['advisor', 'auditor'])
  role: 'advisor' | 'auditor';
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['advisor', 'auditor'] }) role: 'advisor' | 'auditor';
  @ApiProperty({ description: 'First characters of the key, to recognise it' }) prefix: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true }) revokedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself: shown this once, only its hash is stored' }) key: string;
}
