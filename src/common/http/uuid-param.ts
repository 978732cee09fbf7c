import { Param, ParseUUIDPipe } from '@nestjs/common';
import { AppError } from '../errors/app-error';

/** A path id that must be a UUID; anything else is a 400 problem, never a database error. */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new AppError('validation_failed', `The path parameter ${name} must be a UUID.`, {
          errors: [{ field: name, message: `${name} must be a UUID` }],
        }),
    }),
  );
