import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from '../errors/app-error';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * What the JSON parser makes: a primitive, an array or a plain object. Anything else (e.g. the raw
 * stream some content-type parsers hand on, such as the export upload types) is not a body a DTO
 * may be built from: class-transformer would walk the stream and its socket, and constructing a
 * socket handle without arguments aborts the whole process.
 */
function isJsonBody(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** NUL and unpaired surrogates: valid in a JS string, refused by PostgreSQL text and jsonb. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Deeper input is refused before class-transformer recurses into it (stack overflow). */
export const MAX_INPUT_DEPTH = 32;

/**
 * The first place in a body, query or path parameter that no field could accept: a string (or
 * key) PostgreSQL cannot store, or nesting deeper than any DTO. Iterative, so that hostile nesting
 * cannot overflow the stack here either.
 */
function unsafeInput(value: unknown, root: string): FieldError | null {
  const pending: [unknown, string, number][] = [[value, root, 0]];
  while (pending.length > 0) {
    const [v, field, depth] = pending.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v))
        return {
          field,
          message: `${field || 'value'} must not contain NUL characters or unpaired surrogates`,
        };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_INPUT_DEPTH)
        return {
          field,
          message: `${field || 'body'} is nested more than ${MAX_INPUT_DEPTH} levels deep`,
        };
      for (const [key, child] of Object.entries(v)) {
        const path = field ? `${field}.${key}` : key;
        if (UNSTORABLE.test(key))
          return {
            field: path,
            message: 'field names must not contain NUL characters or unpaired surrogates',
          };
        pending.push([child, path, depth + 1]);
      }
    }
  }
  return null;
}

class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && !isJsonBody(value)) {
      throw new AppError('unsupported_media_type', 'Send request bodies as application/json.');
    }
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const unsafe = unsafeInput(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
      if (unsafe)
        throw new AppError('validation_failed', 'One or more fields are not valid.', {
          errors: [unsafe],
        });
    }
    return super.transform(value, metadata);
  }
}

/**
 * Validation at the edge: unknown fields are rejected (not silently dropped), types are
 * transformed, and every failure is a 400 problem with field-level errors.
 */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new AppError('validation_failed', 'One or more fields are not valid.', {
        errors: fieldErrors,
      });
    },
  });
}
