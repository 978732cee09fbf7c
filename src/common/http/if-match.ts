import { AppError } from '../errors/app-error';

/** The version in an If-Match header ("3", W/"3" or 3); null when absent or "*". */
export function parseIfMatch(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '*') return null;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) {
    throw new AppError('validation_failed', 'If-Match must be an ETag of this resource, e.g. "3".', {
      errors: [{ field: 'If-Match', message: 'invalid header value' }],
    });
  }
  return Number(m[1]);
}

export const etag = (version: number): string => `"${version}"`;
