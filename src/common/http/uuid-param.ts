import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { AppError } from '../errors/app-error';

/**
 * A path id that must be a UUID; anything else is a 400 problem, never a database error. The
 * OpenAPI document says `format: uuid` for it (a route's own @ApiParam of the same name, with a
 * description, is merged with it).
 */
export const UuidParam =
  (name: string): ParameterDecorator =>
  (target, key, index) => {
    Param(
      name,
      new ParseUUIDPipe({
        exceptionFactory: () =>
          new AppError('validation_failed', `The path parameter ${name} must be a UUID.`, {
            errors: [{ field: name, message: `${name} must be a UUID` }],
          }),
      }),
    )(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor)
      ApiParam({ name, schema: { type: 'string', format: 'uuid' } })(target, key, descriptor);
  };
