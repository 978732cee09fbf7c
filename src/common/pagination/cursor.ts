import { AppError } from '../errors/app-error';
import { isInstant } from '../time/iso-date';

/**
 * What one part of a cursor key may be. The parts end up as SQL parameters (cast to timestamptz,
 * uuid or bigint), so a cursor a client made up must be refused here, not by the database.
 * `timestamp`: an instant with zone and up to microseconds (as the list queries select it),
 * `id`: a bigserial id.
 */
export type CursorPart = 'string' | 'number' | 'timestamp' | 'uuid' | 'id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FITS: Record<CursorPart, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  timestamp: (v) => isInstant(v),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  id: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0,
};

/** Keyset pages: an opaque cursor wraps the sort key of the last row of the previous page. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  shape: readonly CursorPart[],
): (string | number)[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === shape.length &&
      key.every((v, i) => FITS[shape[i]](v))
    ) {
      return key as (string | number)[];
    }
  } catch {
    // fall through
  }
  throw new AppError('validation_failed', 'The cursor is not valid; start again without it.', {
    errors: [{ field: 'cursor', message: 'cursor is not a value returned by this endpoint' }],
  });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Callers fetch limit + 1 rows; the extra row only tells whether another page exists. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  key: (row: R) => (string | number)[],
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}
