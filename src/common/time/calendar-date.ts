import { registerDecorator, ValidationOptions } from 'class-validator';
import { isCalendarDate, isInstant } from './iso-date';

export { isCalendarDate, isInstant, todayInBerlin } from './iso-date';

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
}

/** See isInstant: a date, or a date-time with zone, that is a real instant. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `${String(propertyName)} must be an ISO 8601 date or date-time with zone, e.g. 2026-01-01 or 2026-01-01T08:30:00Z`,
        ...options,
      },
      validator: { validate: (value: unknown) => isInstant(value) },
    });
}
