import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { commaList } from '../common/http/list-param';
import { IsCalendarDate } from '../common/time/calendar-date';
import {
  BENEFIT_STATUSES,
  GERMAN_LEVELS,
  MOTIVATIONS,
  SECTOR_CODE,
  SELF_EMPLOYMENT_PERMITS,
} from '../founders/dto/founder-fields';
import { CASE_STATUSES, PHASES } from '../phase-model';
import { FUNDING_ROUTES } from '../cases/dto/case.dto';
import { AGE_BANDS, NOT_RECORDED } from './group-filter';

const MAX_VALUES = 50;
const ADVISOR = /^(?:me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A filter of several values: `?x=a,b` and `?x=a&x=b` alike; `null` matches "not recorded". */
function ListOf(
  name: string,
  values: readonly string[],
  options: { nullable?: boolean; description?: string; example?: string } = {},
): PropertyDecorator {
  const allowed = options.nullable ? [...values, NOT_RECORDED] : [...values];
  const message = `${name} must be a comma-separated list of ${allowed.join(', ')}`;
  return (target, key) => {
    ApiPropertyOptional({
      type: String,
      description:
        `${options.description ?? name}. Comma-separated, any of: ${allowed.join(', ')}` +
        (options.nullable ? ` (\`${NOT_RECORDED}\`: not recorded)` : ''),
      example: options.example ?? allowed.slice(0, 2).join(','),
    })(target, key);
    IsOptional()(target, key);
    Transform(commaList)(target, key);
    ArrayMinSize(1, { message })(target, key);
    ArrayMaxSize(MAX_VALUES)(target, key);
    IsIn(allowed, { each: true, message })(target, key);
  };
}

/** An integer query parameter from plain digits only (as PageQueryDto's limit). */
const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value;

/**
 * The group filters of GET /founders, GET /cases and GET /founders/facets. Within one filter the
 * values are alternatives (OR); different filters must all hold (AND). What each filter reads on
 * which endpoint: src/group-filters/group-filter.ts.
 */
export class GroupFiltersDto {
  @ListOf('germanLevel', GERMAN_LEVELS, {
    nullable: true,
    description: 'The founder\u2019s German level (CEFR, native or none)',
    example: 'A2,B1',
  })
  germanLevel?: string[];

  @ApiPropertyOptional({
    type: String,
    description:
      'profile.targetSector of the founder: comma-separated codes of GET /api/v1/target-sectors ' +
      `(\`${NOT_RECORDED}\`: not recorded); a code that is not configured matches nothing`,
    example: 'gastronomy,retail',
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VALUES)
  // The code pattern takes `null` too.
  @Matches(SECTOR_CODE, {
    each: true,
    message: 'targetSector must be a comma-separated list of target sector codes (or null)',
  })
  targetSector?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 3,
    description:
      'profile.homeKnowledgeUsability at least this (0 to 3); founders without one do not match',
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(3)
  homeKnowledgeUsabilityMin?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 3,
    description:
      'profile.homeKnowledgeUsability at most this (0 to 3, not below the minimum); founders without one do not match',
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(3)
  homeKnowledgeUsabilityMax?: number;

  @ListOf('presumedMotivation', MOTIVATIONS, {
    nullable: true,
    description: 'profile.presumedMotivation of the founder',
    example: 'necessity,leaving_benefits',
  })
  presumedMotivation?: string[];

  @ListOf('benefitStatus', BENEFIT_STATUSES, {
    nullable: true,
    description: 'The benefits the founder receives',
    example: 'sgb2,sgb3',
  })
  benefitStatus?: string[];

  @ListOf('migrationBackground', ['true', 'false'], {
    nullable: true,
    description: 'The founder\u2019s migration background',
    example: 'true',
  })
  migrationBackground?: string[];

  @ListOf('selfEmploymentPermitted', SELF_EMPLOYMENT_PERMITS, {
    description: 'Whether the founder\u2019s residence title permits self-employment',
    example: 'yes,not_required',
  })
  selfEmploymentPermitted?: string[];

  @ListOf('ageBand', AGE_BANDS, {
    description:
      'The founder\u2019s ESF age band as of today (Europe/Berlin), from the birth date (or, where only ' +
      'the year is kept, as if born on 1 January); unknown: neither is recorded',
    example: '18_29,30_54',
  })
  ageBand?: string[];

  @ListOf('phase', PHASES, {
    description: 'The case\u2019s phase (on /founders: has a case in it)',
    example: 'planning,launch',
  })
  phase?: string[];

  @ListOf('status', CASE_STATUSES, {
    description: 'The case\u2019s status (on /founders: has a case with it)',
    example: 'active,paused',
  })
  status?: string[];

  @ListOf('fundingRoute', FUNDING_ROUTES, {
    nullable: true,
    description: 'The case\u2019s funding route (on /founders: has a case with it)',
    example: 'einstiegsgeld,gruendungszuschuss',
  })
  fundingRoute?: string[];

  @ApiPropertyOptional({
    type: String,
    description:
      'The case\u2019s advisor (on /founders: has a case with them): comma-separated user ids, `me` for the caller',
    example: 'me',
  })
  @IsOptional()
  @Transform(commaList)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VALUES)
  @Matches(ADVISOR, {
    each: true,
    message: 'advisorId must be a comma-separated list of user ids or me',
  })
  advisorId?: string[];

  @ApiPropertyOptional({
    format: 'date',
    description:
      'Created on or after this day (Europe/Berlin): the founder on /founders and the facets, the case on /cases',
    example: '2026-01-01',
  })
  @IsOptional()
  @IsCalendarDate()
  createdFrom?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Created on or before this day (Europe/Berlin), inclusive; not before createdFrom',
    example: '2026-03-31',
  })
  @IsOptional()
  @IsCalendarDate()
  createdTo?: string;
}
