import { FREE_TEXT_FIELDS } from './free-text-fields';
import { replaceAt } from './text-paths';

/** What stands in for an erased free text where a text must stay (e.g. a required field). */
export const ERASED = '[gelöscht]';

/**
 * A stored jsonb value without the free texts the list names for its column (the ones in arrays,
 * which SQL cannot reach by path): codes, dates and decisions stay, so that e.g. an analysis
 * snapshot still restores and the statistics still count; every sentence a person wrote goes.
 */
export function redactStored<T>(table: string, column: string, value: T): T {
  let out: unknown = value;
  for (const field of FREE_TEXT_FIELDS) {
    if (field.table !== table || field.column !== column) continue;
    out = replaceAt(out, field.path, (old) => {
      if (old === null || old === undefined) return old;
      return field.erase === 'placeholder' ? ERASED : null;
    });
  }
  return out as T;
}
