import { Transform } from 'class-transformer';
import { ValidateBy, ValidationArguments } from 'class-validator';
import { isCalendarDate, todayInBerlin } from '../../common/time/iso-date';

export const GENDERS = ['female', 'male', 'non_binary', 'unknown'] as const;
export const LANGUAGE_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native'] as const;
export const GERMAN_LEVELS = [...LANGUAGE_LEVELS, 'none'] as const;
export const SELF_EMPLOYMENT_PERMITS = ['yes', 'applied', 'no', 'not_required', 'unknown'] as const;
export const BENEFIT_STATUSES = ['sgb2', 'sgb3', 'none', 'other'] as const;
export const RECOGNITION_STATUSES = [
  'not_needed',
  'pending',
  'recognised',
  'partial',
  'refused',
  'unknown',
] as const;
export const MOTIVATIONS = [
  'opportunity',
  'necessity',
  'family_tradition',
  'independence',
  'leaving_benefits',
  'unknown',
] as const;

export type Gender = (typeof GENDERS)[number];
export type LanguageLevel = (typeof LANGUAGE_LEVELS)[number];
export type GermanLevel = (typeof GERMAN_LEVELS)[number];
export type SelfEmploymentPermit = (typeof SELF_EMPLOYMENT_PERMITS)[number];
export type BenefitStatus = (typeof BENEFIT_STATUSES)[number];
export type RecognitionStatus = (typeof RECOGNITION_STATUSES)[number];
export type Motivation = (typeof MOTIVATIONS)[number];

export const PHONE = /^(?=.*\d)[\d +\-()/]{1,50}$/;
/** German codes are 5 digits; foreign ones (NL "1234 AB", PL "00-950") up to 10 characters. */
export const POSTAL_CODE = /^(?:\d{5}|[A-Z0-9](?:[A-Z0-9 -]{0,8}[A-Z0-9])?)$/;
/** WZ 2008: division 56, group 56.1, class 56.10 or subclass 96.02.1. */
export const WZ_CODE = /^\d{2}(?:\.\d(?:\d(?:\.\d)?)?)?$/;
export const SECTOR_CODE = /^[a-z][a-z_]{1,49}$/;

/** Strips surrounding blanks, so that " Ayşe " and "Ayşe" are the same name (duplicate check). */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Postal codes compare case-insensitively; store them in one form. */
export const NormalisePostalCode = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  );

/** A calendar date that is not in the future and, if given, not before `min`. */
export function IsPastDate(min?: string): PropertyDecorator {
  const problem = (value: unknown): string | null => {
    if (!isCalendarDate(value)) return 'must be a real calendar date as YYYY-MM-DD';
    if (value > todayInBerlin()) return 'must not be in the future';
    if (min !== undefined && value < min) return `must not be before ${min}`;
    return null;
  };
  return ValidateBy({
    name: 'isPastDate',
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'date'} ${problem(args?.value) ?? 'is not valid'}`,
    },
  });
}
