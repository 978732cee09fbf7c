import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ROLES, Role } from '../../auth/principal';

@ApiSchema({ name: 'Membership', description: 'A role in one office' })
export class MembershipDto {
  @ApiProperty({ format: 'uuid', example: '3f2b8c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f' })
  @IsUUID()
  officeId: string;

  @ApiProperty({
    enum: ROLES,
    enumName: 'Role',
    description: 'advisor: counsels; lead: manages the office; auditor: reads and exports',
  })
  @IsIn(ROLES)
  role: Role;
}

@ApiSchema({ name: 'CreateUser', description: 'A new staff account' })
export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'a.yilmaz@run-mainz.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Ayşe Yılmaz' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({
    minLength: 12,
    maxLength: 1024,
    description: 'Stored only as an argon2id hash',
    example: 'a long passphrase of twelve or more',
  })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ description: 'System administrator (admins only); false when absent' })
  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @ApiPropertyOptional({
    type: [MembershipDto],
    maxItems: 100,
    description: 'At most one per office; a lead must give at least one in an office they lead',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => MembershipDto)
  memberships?: MembershipDto[];
}

@ApiSchema({
  name: 'UpdateUser',
  description: 'The fields to change; absent fields stay as they are',
})
export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'Ayşe Yılmaz-Kraus' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    description: 'false deactivates the user; their tokens stop working at once and for good',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({
    type: [MembershipDto],
    maxItems: 100,
    description: 'Replaces the memberships (a lead: only those in the offices they lead)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => MembershipDto)
  memberships?: MembershipDto[];

  @ApiPropertyOptional({
    minLength: 12,
    maxLength: 1024,
    description: 'Ends every token issued before, the one used for this call included',
  })
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password?: string;
}

@ApiSchema({
  name: 'User',
  description: 'A staff account with its memberships (a lead sees those in the offices they lead)',
})
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'a.yilmaz@run-mainz.example' }) email: string;
  @ApiProperty({ example: 'Ayşe Yılmaz' }) name: string;
  @ApiProperty({ description: 'System administrator' }) admin: boolean;
  @ApiProperty({ description: 'false: deactivated, cannot sign in' }) active: boolean;
  @ApiProperty({ type: [MembershipDto] }) memberships: MembershipDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

@ApiSchema({ name: 'UserPage', description: 'One page of users, newest first' })
export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}

export const PRINCIPAL_KINDS = ['user', 'api_key'] as const;

@ApiSchema({
  name: 'Me',
  description:
    'The caller: a signed-in user (kind user, with the user\u2019s fields) or an office API key (kind api_key, one membership)',
})
export class MeDto {
  @ApiProperty({
    enum: PRINCIPAL_KINDS,
    enumName: 'PrincipalKind',
    description: 'user: a signed-in user; api_key: an office API key',
  })
  kind: (typeof PRINCIPAL_KINDS)[number];
  @ApiProperty({ format: 'uuid', description: 'The user\u2019s or the API key\u2019s id' })
  id: string;
  @ApiProperty({ description: 'System administrator (always false for an API key)' })
  admin: boolean;
  @ApiProperty({ type: [MembershipDto] }) memberships: MembershipDto[];
  @ApiPropertyOptional({ description: 'Users only' }) email?: string;
  @ApiPropertyOptional({ description: 'Users only' }) name?: string;
  @ApiPropertyOptional({ description: 'Users only' }) active?: boolean;
  @ApiPropertyOptional({ format: 'date-time', description: 'Users only' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Users only' }) updatedAt?: string;
}
