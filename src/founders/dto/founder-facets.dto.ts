import { ApiProperty, ApiSchema, type ApiPropertyOptions } from '@nestjs/swagger';
import { AGE_BANDS, type AgeBand } from '../../group-filters/group-filter';
import * as F from './founder-fields';

const COUNT = { type: 'integer', minimum: 0, example: 34 } as const;

/**
 * One bucket of a facet axis: a value (its schema given) and how many founders have it. The
 * subclass names the schema (@ApiSchema is not inherited).
 */
function FacetDto<T>(value: ApiPropertyOptions) {
  class Facet {
    @ApiProperty(value) value: T;
    @ApiProperty(COUNT) count: number;
  }
  return Facet;
}

const NULL_BUCKET = 'null: not recorded';

@ApiSchema({ name: 'GermanLevelFacet', description: 'Founders with this German level' })
export class GermanLevelFacetDto extends FacetDto<F.GermanLevel | null>({
  nullable: true,
  enum: F.GERMAN_LEVELS,
  enumName: 'GermanLevel',
  description: NULL_BUCKET,
}) {}

@ApiSchema({ name: 'TargetSectorFacet', description: 'Founders with this target sector' })
export class TargetSectorFacetDto extends FacetDto<string | null>({
  type: String,
  nullable: true,
  example: 'gastronomy',
  description: 'A code of GET /api/v1/target-sectors; null: not recorded',
}) {}

@ApiSchema({
  name: 'HomeKnowledgeUsabilityFacet',
  description: 'Founders with this home-knowledge usability',
})
export class HomeKnowledgeUsabilityFacetDto extends FacetDto<number | null>({
  type: 'integer',
  nullable: true,
  minimum: 0,
  maximum: 3,
  description: '0 (not) to 3 (fully); null: not recorded',
}) {}

@ApiSchema({ name: 'MotivationFacet', description: 'Founders with this presumed motivation' })
export class MotivationFacetDto extends FacetDto<F.Motivation | null>({
  nullable: true,
  enum: F.MOTIVATIONS,
  enumName: 'Motivation',
  description: NULL_BUCKET,
}) {}

@ApiSchema({ name: 'BenefitStatusFacet', description: 'Founders with this benefit status' })
export class BenefitStatusFacetDto extends FacetDto<F.BenefitStatus | null>({
  nullable: true,
  enum: F.BENEFIT_STATUSES,
  enumName: 'BenefitStatus',
  description: NULL_BUCKET,
}) {}

@ApiSchema({ name: 'AgeBandFacet', description: 'Founders in this ESF age band today' })
export class AgeBandFacetDto extends FacetDto<AgeBand>({
  enum: AGE_BANDS,
  enumName: 'AgeBand',
  description: 'ESF Plus age band as of today (Europe/Berlin); unknown: no birth date recorded',
}) {}

/**
 * Counts per value of each axis over the filtered founders. Every value of an axis is listed, in
 * the order of its enum (target sectors in their display order), the not-recorded bucket last, with
 * zero counts too; the counts of each axis add up to total.
 */
@ApiSchema({
  name: 'FounderFacets',
  description:
    'Counts of the filtered founders per value of each profile axis; every value is listed (also with 0), the null (not recorded) bucket last; each axis adds up to total',
})
export class FounderFacetsDto {
  @ApiProperty({ ...COUNT, description: 'The founders matching the filters' }) total: number;
  @ApiProperty({ type: [GermanLevelFacetDto] }) germanLevel: GermanLevelFacetDto[];
  @ApiProperty({ type: [TargetSectorFacetDto] }) targetSector: TargetSectorFacetDto[];
  @ApiProperty({ type: [HomeKnowledgeUsabilityFacetDto] })
  homeKnowledgeUsability: HomeKnowledgeUsabilityFacetDto[];
  @ApiProperty({ type: [MotivationFacetDto] }) presumedMotivation: MotivationFacetDto[];
  @ApiProperty({ type: [BenefitStatusFacetDto] }) benefitStatus: BenefitStatusFacetDto[];
  @ApiProperty({ type: [AgeBandFacetDto] }) ageBand: AgeBandFacetDto[];
}
