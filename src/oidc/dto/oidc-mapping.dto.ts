import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, Role } from '../../auth/principal';

const ROLE_DESCRIPTION =
  'advisor: counsels; lead: manages the office; auditor: reads and exports. When several of a ' +
  'user\u2019s groups give roles in one office, the strongest counts (lead > advisor > auditor).';

@ApiSchema({
  name: 'CreateOidcMapping',
  description: 'A group of the single sign-on provider that gives a role in an office',
})
export class CreateOidcMappingDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    example: 'run-mainz-advisors',
    description:
      'A value of the tokens\u2019 groups claim (OIDC_GROUPS_CLAIM), compared exactly (case-sensitive)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  // Control characters never appear in a group name; refusing them keeps logs and lists clean.
  @Matches(/^[^\p{Cc}]+$/u, { message: 'claimValue must not contain control characters' })
  claimValue: string;

  @ApiProperty({ format: 'uuid', example: '3f2b8c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f' })
  @IsUUID()
  officeId: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role', description: ROLE_DESCRIPTION })
  @IsIn(ROLES)
  role: Role;
}

@ApiSchema({ name: 'OidcMapping', description: 'A group that gives a role in an office' })
export class OidcMappingDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'run-mainz-advisors' }) claimValue: string;
  @ApiProperty({ format: 'uuid' }) officeId: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role', description: ROLE_DESCRIPTION }) role: Role;
  @ApiProperty({
    format: 'uuid',
    type: 'string',
    nullable: true,
    description: 'The administrator who created it (null once that user is deleted)',
  })
  createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

@ApiSchema({ name: 'OidcMappingList', description: 'Every group mapping' })
export class OidcMappingListDto {
  @ApiProperty({ type: [OidcMappingDto] }) items: OidcMappingDto[];
}
