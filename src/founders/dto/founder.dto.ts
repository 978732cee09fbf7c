import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiSchema,
  getSchemaPath,
  IntersectionType,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { GroupFiltersDto } from '../../group-filters/group-filter.dto';
import { ConsentDto, LanguageDto } from './founder-input.dto';
import * as F from './founder-fields';

/** The applicant profile as answered: every field present, null where not known. */
@ApiSchema({
  name: 'FounderProfile',
  description: 'The applicant profile (Kennung): every field present, null where not known',
})
export class FounderProfileDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'gastronomy',
    description: 'A code of GET /api/v1/target-sectors',
  })
  targetSector: string | null;

  @ApiProperty({ type: String, nullable: true, example: '56.10', description: 'WZ 2008 code' })
  wzCode: string | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 3,
    example: 2,
    description: 'How far knowledge from the home country can be used here, 0 (not) to 3 (fully)',
  })
  homeKnowledgeUsability: number | null;

  @ApiProperty({ nullable: true, enum: F.MOTIVATIONS, enumName: 'Motivation' })
  presumedMotivation: F.Motivation | null;
}

/** A founder as every endpoint answers it: all fields, null where not known. */
@ApiSchema({
  name: 'Founder',
  description: 'A founder (the person counselled): every field present, null where not known',
})
@ApiExtraModels(ConsentDto, FounderProfileDto)
export class FounderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) officeId: string;
  @ApiProperty({ example: 'Ayşe' }) firstName: string;
  @ApiProperty({ example: 'Yılmaz' }) lastName: string;
  @ApiProperty({ type: String, nullable: true, format: 'date', example: '1988-04-02' })
  birthDate: string | null;
  @ApiProperty({ enum: F.GENDERS, enumName: 'Gender' }) gender: F.Gender;
  @ApiProperty({ type: String, nullable: true, example: 'a.yilmaz@example.org' })
  email: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+49 6131 123456' })
  phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: '55116' }) postalCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Mainz' }) city: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'TR',
    description: 'ISO 3166-1 alpha-2',
  })
  countryOfBirth: string | null;
  @ApiProperty({ type: [String], example: ['TR', 'DE'], description: 'ISO 3166-1 alpha-2 codes' })
  nationalities: string[];
  @ApiProperty({ type: Boolean, nullable: true }) migrationBackground: boolean | null;
  @ApiProperty({ type: [LanguageDto] }) languages: LanguageDto[];
  @ApiProperty({ nullable: true, enum: F.GERMAN_LEVELS, enumName: 'GermanLevel' })
  germanLevel: F.GermanLevel | null;
  @ApiProperty({
    enum: F.SELF_EMPLOYMENT_PERMITS,
    enumName: 'SelfEmploymentPermit',
    description: 'Whether the residence title permits self-employment',
  })
  selfEmploymentPermitted: F.SelfEmploymentPermit;
  @ApiProperty({
    nullable: true,
    enum: F.BENEFIT_STATUSES,
    enumName: 'BenefitStatus',
    description: 'Benefits received: SGB II (Bürgergeld), SGB III (Arbeitslosengeld), none, other',
  })
  benefitStatus: F.BenefitStatus | null;
  @ApiProperty({ type: String, nullable: true, example: 'Jobcenter Mainz' })
  jobcenter: string | null;
  @ApiProperty({ type: String, nullable: true, example: '123D456789' })
  jobcenterCustomerNumber: string | null;
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, maximum: 8, example: 4 })
  iscedLevel: number | null;
  @ApiProperty({
    nullable: true,
    enum: F.RECOGNITION_STATUSES,
    enumName: 'RecognitionStatus',
    description: 'Recognition of a foreign professional qualification',
  })
  foreignQualificationRecognition: F.RecognitionStatus | null;
  @ApiProperty({ nullable: true, allOf: [{ $ref: getSchemaPath(ConsentDto) }] })
  consent: ConsentDto | null;
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The founder agreed to the voluntary follow-up after exit; null: not agreed',
  })
  followUpConsentOn: string | null;
  @ApiProperty({ nullable: true, allOf: [{ $ref: getSchemaPath(FounderProfileDto) }] })
  profile: FounderProfileDto | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: string;
}

@ApiSchema({ name: 'FounderPage', description: 'One page of founders, newest-updated first' })
export class FounderPageDto {
  @ApiProperty({ type: [FounderDto] }) items: FounderDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last page',
  })
  nextCursor: string | null;
}

/** The group filters and the name search, as the facets take them. */
export class FounderFacetsQueryDto extends GroupFiltersDto {
  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Part of the first name, last name or "first last", case-insensitive',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class ListFoundersQueryDto extends IntersectionType(PageQueryDto, FounderFacetsQueryDto) {}

export class CreateFounderQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description: 'true creates the founder even if one with the same name and postal code exists',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'allowDuplicate must be true or false' })
  allowDuplicate?: boolean;
}

@ApiSchema({ name: 'TargetSector', description: 'A target sector of the applicant profile' })
export class TargetSectorDto {
  @ApiProperty({ example: 'gastronomy', description: 'The code to send as targetSector' })
  code: string;
  @ApiProperty({ example: 'Gastronomie und Beherbergung' }) labelDe: string;
  @ApiProperty({ example: 'Food service and accommodation' }) labelEn: string;
  @ApiProperty({ example: 'I', description: 'WZ 2008 section' }) wzSection: string;
}

@ApiSchema({
  name: 'TargetSectorList',
  description: 'The configured target sectors, in display order',
})
export class TargetSectorListDto {
  @ApiProperty({ type: [TargetSectorDto] }) items: TargetSectorDto[];
}
