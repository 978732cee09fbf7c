import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  Matches,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/time/calendar-date';
import { QUERY_BOOLEANS, type QueryBoolean } from '../../exports/dto/export-query.dto';
import { DEDUCTION_CODES, EXPENSE_CODES, RECEIPT_CODES } from '../rules';
import {
  DEDUCTION_TABLES,
  EXPENSE_TABLES,
  RECEIPT_TABLES,
  type LineAmounts,
} from './eks-lines.dto';
import { IsEksLines } from './euro';
import {
  DATE,
  EKS_PERIOD_KIND_ENUM,
  MONTH_PATTERN,
  PERIOD_KINDS,
  type EksPeriodKind,
} from './schema-parts';

export { PERIOD_KINDS };

@ApiSchema({
  name: 'EksMonthInput',
  description: 'One month of an EKS period: the amounts of its three tables',
})
export class EksMonthDto {
  @ApiProperty({
    type: String,
    pattern: MONTH_PATTERN,
    example: '2026-01',
    description: 'The month, YYYY-MM',
  })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month written YYYY-MM' })
  month: string;

  @ApiPropertyOptional({ type: RECEIPT_TABLES.input, example: { A1: 2450, A5_1: '0' } })
  @IsOptional()
  @IsEksLines(RECEIPT_CODES)
  receipts?: LineAmounts<number | string>;

  @ApiPropertyOptional({
    type: EXPENSE_TABLES.input,
    example: { B1: 310.2, B3: 650, B6_4: '80.50' },
  })
  @IsOptional()
  @IsEksLines(EXPENSE_CODES)
  expenses?: LineAmounts<number | string>;

  @ApiPropertyOptional({ type: DEDUCTION_TABLES.input, example: { C3: 210 } })
  @IsOptional()
  @IsEksLines(DEDUCTION_CODES)
  deductions?: LineAmounts<number | string>;
}

@ApiSchema({
  name: 'PutEksPeriod',
  description:
    'An EKS period (Anlage EKS) as declared: its end, its kind and 1 to 6 consecutive months inside it',
})
export class PutPeriodDto {
  @ApiProperty({
    ...DATE,
    example: '2026-06-30',
    description: 'The last day of the period (on or after its start)',
  })
  @IsCalendarDate()
  periodEnd: string;

  @ApiProperty(EKS_PERIOD_KIND_ENUM)
  @IsIn(PERIOD_KINDS)
  kind: EksPeriodKind;

  @ApiPropertyOptional({
    ...DATE,
    nullable: true,
    example: '2026-08-31',
    description: 'When the final EKS is due (provisional periods); null or absent: no date',
  })
  @IsOptional()
  @IsCalendarDate()
  finalDeclarationDueOn?: string | null;

  @ApiProperty({
    type: [EksMonthDto],
    minItems: 1,
    maxItems: 6,
    description: '1 to 6 consecutive months inside the period, each at most once',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => EksMonthDto)
  months: EksMonthDto[];
}

export class PeriodListQueryDto {
  @ApiPropertyOptional({
    enum: QUERY_BOOLEANS,
    enumName: 'QueryBoolean',
    description:
      'true: every version of each period (oldest first); default false: only the latest version',
  })
  @IsOptional()
  @IsIn(QUERY_BOOLEANS)
  allVersions?: QueryBoolean;
}
