import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { ConsentDto, LanguageDto } from './founder-input.dto';
import * as F from './founder-fields';

export class FounderProfileDto {
  @ApiProperty({ nullable: true }) targetSector: string | null;
  @ApiProperty({ nullable: true }) wzCode: string | null;
  @ApiProperty({ nullable: true, minimum: 0, maximum: 3 }) homeKnowledgeUsability: number | null;
  @ApiProperty({ nullable: true, enum: F.MOTIVATIONS }) presumedMotivation: F.Motivation | null;
}

/** A founder as every endpoint answers it: all fields, null where not known. */
export class FounderDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) officeId: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ nullable: true, format: 'date' }) birthDate: string | null;
  @ApiProperty({ enum: F.GENDERS }) gender: F.Gender;
  @ApiProperty({ nullable: true }) email: string | null;
  @ApiProperty({ nullable: true }) phone: string | null;
  @ApiProperty({ nullable: true }) postalCode: string | null;
  @ApiProperty({ nullable: true }) city: string | null;
  @ApiProperty({ nullable: true }) countryOfBirth: string | null;
  @ApiProperty({ type: [String] }) nationalities: string[];
  @ApiProperty({ nullable: true }) migrationBackground: boolean | null;
  @ApiProperty({ type: [LanguageDto] }) languages: LanguageDto[];
  @ApiProperty({ nullable: true, enum: F.GERMAN_LEVELS }) germanLevel: F.GermanLevel | null;
  @ApiProperty({ enum: F.SELF_EMPLOYMENT_PERMITS })
  selfEmploymentPermitted: F.SelfEmploymentPermit;
  @ApiProperty({ nullable: true, enum: F.BENEFIT_STATUSES }) benefitStatus: F.BenefitStatus | null;
  @ApiProperty({ nullable: true }) jobcenter: string | null;
  @ApiProperty({ nullable: true }) jobcenterCustomerNumber: string | null;
  @ApiProperty({ nullable: true }) iscedLevel: number | null;
  @ApiProperty({ nullable: true, enum: F.RECOGNITION_STATUSES })
  foreignQualificationRecognition: F.RecognitionStatus | null;
  @ApiProperty({ nullable: true, type: ConsentDto }) consent: ConsentDto | null;
  @ApiProperty({ nullable: true, type: FounderProfileDto }) profile: FounderProfileDto | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class FounderPageDto {
  @ApiProperty({ type: [FounderDto] }) items: FounderDto[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}

export class ListFoundersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the first name, last name or "first last"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class CreateFounderQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'true creates the founder even if one with the same name and postal code exists',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'allowDuplicate must be true or false' })
  allowDuplicate?: boolean;
}

export class TargetSectorDto {
  @ApiProperty({ example: 'gastronomy' }) code: string;
  @ApiProperty({ example: 'Gastronomie und Beherbergung' }) labelDe: string;
  @ApiProperty({ example: 'Food service and accommodation' }) labelEn: string;
  @ApiProperty({ example: 'I', description: 'WZ 2008 section' }) wzSection: string;
}
