import { AppError } from '../errors/app-error';

/**
 * A parsed If-Match header: the versions its entity-tags name for strong comparison. Weak tags
 * (W/"3") and tags that are not ours ("abc") name none: RFC 9110 §13.1.1 compares If-Match
 * strongly, so they never match and a write answers 412.
 */
export interface IfMatch {
  versions: number[];
}

const BARE_VERSION = /^\s*(\d{1,9})\s*$/;
const ENTITY_TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*$/;

/** null when absent or "*"; 400 when the header is not a list of entity-tags. */
export function parseIfMatch(header: string | undefined): IfMatch | null {
  if (header === undefined || header.trim() === '*') return null;
  // A bare number (3) is not an entity-tag, but older clients send it; it is read as "3".
  const bare = BARE_VERSION.exec(header);
  if (bare) return { versions: [Number(bare[1])] };
  const versions: number[] = [];
  for (const part of header.split(',')) {
    const m = ENTITY_TAG.exec(part);
    if (!m) {
      throw new AppError(
        'validation_failed',
        'If-Match must be an ETag of this resource, e.g. "3".',
        {
          errors: [{ field: 'If-Match', message: 'invalid header value' }],
        },
      );
    }
    if (!m[1] && /^\d{1,9}$/.test(m[2])) versions.push(Number(m[2]));
  }
  return { versions };
}

/** True when there is no precondition or it names the current version strongly. */
export function ifMatchHolds(ifMatch: IfMatch | null, current: number): boolean {
  return ifMatch === null || ifMatch.versions.includes(current);
}

/**
 * The precondition of a write, checked under the row lock: 412 version_conflict with the version
 * the record is at now, so the caller can reload it.
 */
export function assertIfMatch(
  ifMatch: IfMatch | null,
  current: number,
  record: 'case' | 'analysis' | 'task' | 'settings',
): void {
  if (ifMatchHolds(ifMatch, current)) return;
  throw new AppError(
    'version_conflict',
    `The ${record} is at version ${current}; reload it and try again.`,
    {
      currentVersion: current,
    },
  );
}

export const etag = (version: number): string => `"${version}"`;
