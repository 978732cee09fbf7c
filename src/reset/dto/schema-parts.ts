import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { MAX_EURO_AMOUNT_CENTS } from '../indicators/money';
import { RESET_EVENT_TYPES, RESET_RECOMMENDATIONS, RESET_STATES } from '../lifecycle';

/**
 * Pieces of the RE_SET schemas that requests and answers share: formats, the named enums, and
 * money (euros and cents). The enum names are the document's: the same name always carries the
 * same values (ResetEventType and ResetRecommendation are also declared with the event schemas,
 * reset-event.schema.ts, from the same constants).
 */

export const UUID = { type: String, format: 'uuid' } as const;
export const INSTANT = { type: String, format: 'date-time' } as const;
export const DATE = { type: String, format: 'date', example: '2026-01-01' } as const;
export const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';

export const RESET_STATE_ENUM = {
  enum: RESET_STATES,
  enumName: 'ResetState',
  description:
    'intake → analysis → assessed → recommended → decided, or cancelled from any open state',
} as const;
export const RESET_RECOMMENDATION_ENUM = {
  enum: RESET_RECOMMENDATIONS,
  enumName: 'ResetRecommendation',
} as const;
export const RESET_EVENT_TYPE_ENUM = {
  enum: RESET_EVENT_TYPES,
  enumName: 'ResetEventType',
} as const;

export const PERIOD_KINDS = ['provisional', 'final'] as const;
export type EksPeriodKind = (typeof PERIOD_KINDS)[number];
export const EKS_PERIOD_KIND_ENUM = {
  enum: PERIOD_KINDS,
  enumName: 'EksPeriodKind',
  description:
    'provisional (vorläufige EKS, before the period) or final (abschließende EKS, after it)',
} as const;

export const ANALYSIS_VERSION = {
  type: 'integer',
  minimum: 1,
  example: 3,
  description:
    'Goes up with every change of the analysis (data, period, event); the ETag is this number in quotes',
} as const;

const MAX_EUROS = MAX_EURO_AMOUNT_CENTS / 100;

/**
 * A money input: euros as a JSON number or as a decimal string, never negative, at most two
 * decimals, at most 10,000,000 € (what parseEuroAmount accepts; the two limits a schema of
 * OpenAPI 3.0 cannot state exactly are in the description).
 */
export const EURO_INPUT_SCHEMA = {
  oneOf: [
    { type: 'number', minimum: 0, maximum: MAX_EUROS, example: 620.5 },
    { type: 'string', pattern: '^\\d+(\\.\\d{1,2})?$', example: '620.50' },
  ],
  description:
    'Euros: a non-negative number or decimal string with at most two decimals and no surrounding spaces ' +
    '(e.g. 450, 450.5 or "450.50"), at most 10,000,000; stored as integer cents.',
};

/** A money input property (a number or a decimal string; see EURO_INPUT_SCHEMA). */
export const EuroInput = (options: ApiPropertyOptions = {}): PropertyDecorator =>
  ApiProperty({ type: Object, ...EURO_INPUT_SCHEMA, ...options });

/**
 * Money in answers: euros as a JSON number (exact to the cent, cents / 100) under the plain name,
 * and the same amount as integer cents under the name + `Cents` (before `PerMonth`).
 */
export const Euros = (
  description: string,
  options: { nullable?: boolean; example?: number; minimum?: number } = {},
) =>
  ApiProperty({
    type: 'number',
    ...(options.nullable ? { nullable: true } : {}),
    ...(options.minimum !== undefined ? { minimum: options.minimum } : {}),
    ...(options.example !== undefined ? { example: options.example } : {}),
    description: `${description}, in euros (the same amount as its \`…Cents\` twin / 100)`,
  });
export const Cents = (
  description: string,
  options: { nullable?: boolean; example?: number; minimum?: number } = {},
) =>
  ApiProperty({
    type: 'integer',
    ...(options.nullable ? { nullable: true } : {}),
    ...(options.minimum !== undefined ? { minimum: options.minimum } : {}),
    ...(options.example !== undefined ? { example: options.example } : {}),
    description: `${description}, in integer cents`,
  });
