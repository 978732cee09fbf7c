import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export class MembershipDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  officeId: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;
}

export class CreateUserDto {
  @ApiProperty({ example: 'a.yilmaz@run-mainz.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Ayşe Yılmaz' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ minLength: 12, description: 'Stored only as an argon2id hash' })
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ default: false, description: 'System administrator (admins only)' })
  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @ApiPropertyOptional({ type: [MembershipDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => MembershipDto)
  memberships?: MembershipDto[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
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
    description: 'Ends every token issued before, the one used for this call included',
  })
  @IsOptional()
  @IsString()
  @MinLength(12)
  @MaxLength(1024)
  password?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty() admin: boolean;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: [MembershipDto] }) memberships: MembershipDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
