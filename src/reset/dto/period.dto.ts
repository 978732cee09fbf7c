import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { DEDUCTION_CODES, EXPENSE_CODES, RECEIPT_CODES } from '../rules';
import { EURO_DESCRIPTION, IsEksLines } from './euro';

export const PERIOD_KINDS = ['provisional', 'final'] as const;
const linesSchema = (codes: ReadonlySet<string>, example: Record<string, number>) => ({
  type: 'object' as const,
  additionalProperties: { oneOf: [{ type: 'number' }, { type: 'string' }] },
  description: `Line code (${[...codes].join(', ')}) → amount; missing lines are 0. ${EURO_DESCRIPTION}`,
  example,
});

export class EksMonthDto {
  @ApiProperty({ example: '2026-01', description: 'YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month written YYYY-MM' })
  month: string;

  @ApiPropertyOptional(linesSchema(RECEIPT_CODES, { A1: 2450, A5_1: 0 }))
  @IsOptional()
  @IsEksLines(RECEIPT_CODES)
  receipts?: Record<string, number | string>;

  @ApiPropertyOptional(linesSchema(EXPENSE_CODES, { B1: 310.2, B3: 650, B6_4: 80.5 }))
  @IsOptional()
  @IsEksLines(EXPENSE_CODES)
  expenses?: Record<string, number | string>;

  @ApiPropertyOptional(linesSchema(DEDUCTION_CODES, { C3: 210 }))
  @IsOptional()
  @IsEksLines(DEDUCTION_CODES)
  deductions?: Record<string, number | string>;
}

export class PutPeriodDto {
  @ApiProperty({ example: '2026-06-30' }) @IsCalendarDate() periodEnd: string;
  @ApiProperty({ enum: PERIOD_KINDS }) @IsIn(PERIOD_KINDS) kind: (typeof PERIOD_KINDS)[number];

  @ApiPropertyOptional({ example: '2026-08-31', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  finalDeclarationDueOn?: string | null;

  @ApiProperty({ type: [EksMonthDto], description: '1 to 6 consecutive months inside the period' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ValidateNested({ each: true })
  @Type(() => EksMonthDto)
  months: EksMonthDto[];
}

export class PeriodListQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Every version, not only the latest',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  allVersions?: 'true' | 'false';
}
