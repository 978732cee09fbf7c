import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { HeaderObject, ReferenceObject } from '@nestjs/swagger';

/** Response headers, declared once under components.headers and referenced by the operations. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      'The id of this request (the caller\u2019s own when it was harmless); quote it in a support request',
    schema: { type: 'string' },
  },
  ETag: {
    description:
      'The version of the record as a strong entity tag, e.g. "3"; send it back as If-Match',
    schema: { type: 'string', example: '"3"' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', minimum: 1 },
  },
  'X-Export-Id': {
    description:
      'The id of the export; GET /exports/{id}/manifest gives its signed manifest once it completed',
    schema: { type: 'string', format: 'uuid' },
  },
} satisfies Record<string, HeaderObject>;

// Only a declared header can be referenced: its name is a key of the object above.
const ref = (name: keyof typeof RESPONSE_HEADERS): ReferenceObject => ({
  $ref: `#/components/headers/${name}`,
});

/** Use as `headers: ETAG_HEADER` in an @ApiOkResponse of a route that sets the ETag. */
export const ETAG_HEADER = { ETag: ref('ETag') };
export const EXPORT_ID_HEADER = { 'X-Export-Id': ref('X-Export-Id') };
export const REQUEST_ID_HEADER = { 'X-Request-Id': ref('X-Request-Id') };
export const RETRY_AFTER_HEADER = { 'Retry-After': ref('Retry-After') };

/** The optional If-Match request header of a write route (412 version_conflict when it is stale). */
export function ApiIfMatch(record = 'record'): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: `The ETag of the ${record} as last read; 412 version_conflict when it changed since. Weak tags (W/"…") never match; * always does.`,
      schema: { type: 'string', example: '"3"' },
    }),
  );
}

/** The optional Idempotency-Key request header of an event route. */
export function ApiIdempotencyKey(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any 1–200 visible ASCII characters; a retry with the same key and body returns the first answer, ' +
        'the same key with another body answers 422 idempotency_key_reused',
      schema: { type: 'string', maxLength: 200, example: '6b1d7c2e-retry-1' },
    }),
  );
}
