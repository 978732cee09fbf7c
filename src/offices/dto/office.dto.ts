import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
const CODE_PATTERN = '^[A-Z0-9][A-Z0-9-]{1,31}$';

/** The roles an API key can hold: a frontend counsels or reads, it never manages an office. */
export const API_KEY_ROLES = ['advisor', 'auditor'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

@ApiSchema({ name: 'CreateOffice', description: 'A new counselling office' })
export class CreateOfficeDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'RUN Mainz' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    pattern: CODE_PATTERN,
    example: 'RUN-MZ',
    description: 'Unique (case-insensitively): 2-32 upper-case letters, digits and dashes',
  })
  @Matches(CODE, { message: 'code must be 2-32 upper-case letters, digits or dashes, e.g. RUN-MZ' })
  code: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'Rheinhessen' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  region?: string;
}

@ApiSchema({
  name: 'UpdateOffice',
  description: 'The fields to change; absent fields stay as they are',
})
export class UpdateOfficeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'RUN Mainz-Bingen' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    pattern: CODE_PATTERN,
    example: 'RUN-MZB',
    description: 'Unique (case-insensitively)',
  })
  @IsOptional()
  @Matches(CODE, { message: 'code must be 2-32 upper-case letters, digits or dashes, e.g. RUN-MZ' })
  code?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 200,
    description: 'null clears it',
    example: 'Rheinhessen',
  })
  @ValidateIf((_, v) => v !== null)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  region?: string | null;
}

@ApiSchema({ name: 'Office', description: 'A counselling office' })
export class OfficeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'RUN Mainz' }) name: string;
  @ApiProperty({ example: 'RUN-MZ' }) code: string;
  @ApiProperty({ type: String, nullable: true, example: 'Rheinhessen' }) region: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

@ApiSchema({ name: 'OfficeList', description: 'Offices, ordered by code' })
export class OfficeListDto {
  @ApiProperty({ type: [OfficeDto] }) items: OfficeDto[];
}

@ApiSchema({ name: 'CreateApiKey', description: 'A new API key for an integrated frontend' })
export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Frontend RUN Mainz' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    enum: API_KEY_ROLES,
    enumName: 'ApiKeyRole',
    description: 'The one role the key holds in its office',
  })
  @IsIn(API_KEY_ROLES)
  role: ApiKeyRole;
}

@ApiSchema({ name: 'ApiKey', description: 'An API key of an office, without its secret' })
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Frontend RUN Mainz' }) name: string;
  @ApiProperty({
    enum: API_KEY_ROLES,
    enumName: 'ApiKeyRole',
    description: 'The one role the key holds in its office',
  })
  role: ApiKeyRole;
  @ApiProperty({
    description: 'First characters of the key, to recognise it',
    example: 'lotse_3kq9Zx',
  })
  prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'null while the key works',
  })
  revokedAt: string | null;
}

@ApiSchema({
  name: 'ApiKeyCreated',
  description: 'A new API key with its secret, which is shown this once',
})
export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description:
      'The key itself, for the X-API-Key header: shown this once, only its hash is stored',
    example: 'lotse_3kq9Zx_Vb0fT1mY4nQ8sW2eR6uI9oP3aS5dF7gH1jKL',
  })
  key: string;
}

@ApiSchema({
  name: 'ApiKeyList',
  description: 'The office\u2019s API keys, newest first, revoked ones included',
})
export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) items: ApiKeyDto[];
}
