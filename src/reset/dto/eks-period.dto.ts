import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  DEDUCTION_TABLES,
  EXPENSE_TABLES,
  RECEIPT_TABLES,
  type LineAmounts,
} from './eks-lines.dto';
import {
  ANALYSIS_VERSION,
  DATE,
  EKS_PERIOD_KIND_ENUM,
  INSTANT,
  MONTH_PATTERN,
  UUID,
  type EksPeriodKind,
} from './schema-parts';

/** The answers of the EKS period routes (built by toPeriodDto in reset.mapper.ts). */

@ApiSchema({
  name: 'EksMonth',
  description:
    'One month of a recorded EKS period: each table in euros and, with the suffix Cents, in integer cents',
})
export class EksMonthAnswerDto {
  @ApiProperty({
    type: String,
    pattern: MONTH_PATTERN,
    example: '2026-01',
    description: 'The month, YYYY-MM',
  })
  month: string;
  @ApiProperty({ type: RECEIPT_TABLES.euros, example: { A1: 2450 } })
  receipts: LineAmounts;
  @ApiProperty({ type: RECEIPT_TABLES.cents, example: { A1: 245000 } })
  receiptsCents: LineAmounts;
  @ApiProperty({ type: EXPENSE_TABLES.euros, example: { B1: 310.2, B3: 650 } })
  expenses: LineAmounts;
  @ApiProperty({ type: EXPENSE_TABLES.cents, example: { B1: 31020, B3: 65000 } })
  expensesCents: LineAmounts;
  @ApiProperty({ type: DEDUCTION_TABLES.euros, example: { C3: 210 } })
  deductions: LineAmounts;
  @ApiProperty({ type: DEDUCTION_TABLES.cents, example: { C3: 21000 } })
  deductionsCents: LineAmounts;
}

@ApiSchema({
  name: 'EksPeriod',
  description:
    'One version of an EKS period (Anlage EKS) as recorded. Each change adds a version; the latest version of a period is the one that counts.',
})
export class EksPeriodDto {
  @ApiProperty(UUID)
  analysisId: string;
  @ApiProperty({ ...DATE, description: 'The first day of the period (its key in the path)' })
  periodStart: string;
  @ApiProperty({ ...DATE, example: '2026-06-30', description: 'The last day of the period' })
  periodEnd: string;
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 1,
    description: 'The version of this period, from 1',
  })
  version: number;
  @ApiProperty(EKS_PERIOD_KIND_ENUM)
  kind: EksPeriodKind;
  @ApiProperty({
    ...DATE,
    nullable: true,
    example: '2026-08-31',
    description: 'When the final EKS is due; null: no date',
  })
  finalDeclarationDueOn: string | null;
  @ApiProperty({ type: [EksMonthAnswerDto], description: 'In calendar order' })
  months: EksMonthAnswerDto[];
  @ApiProperty({
    ...UUID,
    nullable: true,
    description: 'The user or API key that recorded this version',
  })
  createdBy: string | null;
  @ApiProperty(INSTANT)
  createdAt: string;
}

@ApiSchema({
  name: 'RecordedEksPeriod',
  description: 'The EKS period as recorded by the PUT, with the version of the analysis it made',
})
export class RecordedEksPeriodDto extends EksPeriodDto {
  @ApiProperty({
    ...ANALYSIS_VERSION,
    description:
      'The version of the analysis after the PUT (a new period version is a new analysis version; an unchanged repeat is none): send it as If-Match "<n>" next',
  })
  analysisVersion: number;
}

@ApiSchema({
  name: 'EksPeriodList',
  description: 'The EKS periods of an analysis, by period start (and version)',
})
export class EksPeriodListDto {
  @ApiProperty(UUID)
  analysisId: string;
  @ApiProperty({ type: [EksPeriodDto] })
  items: EksPeriodDto[];
}
