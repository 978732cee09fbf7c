import { registerDecorator, ValidationOptions } from 'class-validator';
import { parseEuroAmount } from '../indicators';

/**
 * Money in the API: euros as a JSON number or a decimal string with at most two decimals, never
 * negative. The service turns them into integer cents with parseEuroAmount, which works on the
 * decimal digits, so no amount ever passes through floating-point arithmetic.
 */
export function IsEuroAmount(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEuroAmount',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => euroProblem(value) === null,
        defaultMessage: (args) => `${args?.property} ${euroProblem(args?.value)}`,
      },
    });
}

function euroProblem(value: unknown): string | null {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return 'must be a euro amount (number or decimal string)';
  }
  // parseEuroAmount forgives surrounding spaces; the API does not, as it refuses other
  // malformed numbers (a client that pads an amount has a bug worth hearing about).
  if (typeof value === 'string' && value !== value.trim()) {
    return 'must be a decimal number such as 12.50, without surrounding spaces';
  }
  const parsed = parseEuroAmount(value);
  return parsed.ok ? null : parsed.message.replace(/^amount /, '');
}

/** Cents of an amount the DTO has already validated. */
export function toCents(value: number | string): number {
  const parsed = parseEuroAmount(value);
  if (!parsed.ok) throw new Error(`unvalidated euro amount: ${parsed.message}`);
  return parsed.cents;
}

/**
 * One table of an EKS month: an object of line code → euro amount. Unknown codes and bad amounts
 * are listed one by one in the message, so the client sees every problem of the table at once.
 */
export function IsEksLines(
  codes: ReadonlySet<string>,
  options?: ValidationOptions,
): PropertyDecorator {
  const problems = (value: unknown): string[] => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return ['must be an object of line code → euro amount'];
    }
    return Object.entries(value).flatMap(([code, amount]) => {
      if (!codes.has(code)) return [`${code}: unknown line (known: ${[...codes].join(', ')})`];
      const problem = euroProblem(amount);
      return problem ? [`${code}: ${problem}`] : [];
    });
  };
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEksLines',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => problems(value).length === 0,
        defaultMessage: (args) => `${args?.property}: ${problems(args?.value).join('; ')}`,
      },
    });
}
