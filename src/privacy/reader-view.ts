import { holdsIn } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { SECTOR_CODE } from '../founders/dto/founder-fields';
import { ApiResource, FORMERLY_FREE_CODES, FREE_TEXT_FIELDS } from './free-text-fields';
import { pathOf, replaceAt } from './text-paths';

const pathsOf = (fields: typeof FREE_TEXT_FIELDS, resource: ApiResource): string[][] =>
  fields.flatMap((field) =>
    field.api.filter((a) => a.resource === resource).map((a) => pathOf(a.path)),
  );

const TEXT_PATHS = new Map<ApiResource, string[][]>();
const CODE_PATHS = new Map<ApiResource, string[][]>();

/** An answer with every free text of the list set to null: what auditors read. */
export function withoutFreeTexts<T>(resource: ApiResource, answer: T): T {
  if (!TEXT_PATHS.has(resource)) {
    TEXT_PATHS.set(resource, pathsOf(FREE_TEXT_FIELDS, resource));
    CODE_PATHS.set(resource, pathsOf(FORMERLY_FREE_CODES, resource));
  }
  let out: unknown = answer;
  for (const path of TEXT_PATHS.get(resource)!) out = replaceAt(out, path, () => null);
  // A value stored before the field became a code may be prose: only codes pass.
  for (const path of CODE_PATHS.get(resource)!) {
    out = replaceAt(out, path, (v) => (typeof v === 'string' && SECTOR_CODE.test(v) ? v : null));
  }
  return out as T;
}

/**
 * The answer as this caller may read it: with its free texts for advisors and leads of the
 * office, without them for everyone else who may read it (auditors, by token or API key).
 */
export function readerView<T>(
  ctx: RequestContext,
  officeId: string,
  resource: ApiResource,
  answer: T,
): T {
  return mayReadFreeText(ctx, officeId) ? answer : withoutFreeTexts(resource, answer);
}

export function mayReadFreeText(ctx: RequestContext, officeId: string): boolean {
  return holdsIn(ctx.actor, 'free_texts.read', officeId);
}
