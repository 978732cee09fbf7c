/**
 * Replaces the value at a key path (`*` = each array item) in a copy of `value`; parts of the
 * path that are absent or null are left as they are.
 */
export function replaceAt(
  value: unknown,
  path: readonly string[],
  replace: (old: unknown) => unknown,
): unknown {
  if (path.length === 0) return replace(value);
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path;
  if (head === '*')
    return Array.isArray(value) ? value.map((item) => replaceAt(item, rest, replace)) : value;
  if (Array.isArray(value) || !(head in value)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [head]: replaceAt(record[head], rest, replace) };
}

/** `a.b.*.c` → ['a', 'b', '*', 'c'] */
export const pathOf = (dotted: string): string[] => dotted.split('.');
