import { AppError } from '../errors/app-error';

/** Keyset pages: an opaque cursor wraps the sort key of the last row of the previous page. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, shape: readonly ('string' | 'number')[]): (string | number)[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i])) {
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
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, key: (row: R) => (string | number)[]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null,
  };
}
