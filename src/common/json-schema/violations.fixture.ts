import type { SchemaObject } from '@nestjs/swagger';

/** OpenAPI 3.1: `type: ['string', 'null']` says the field may be null. */
const acceptsNull = (schema: SchemaObject): boolean =>
  Array.isArray(schema.type) && schema.type.includes('null');
const primaryType = (schema: SchemaObject): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
import { NOT_BLANK, type ComponentSchemas } from './schema-validator';

/**
 * For the parser tests: walks an event's JSON schema and derives, from one valid body that sets
 * every field, a body that breaks each rule of the schema (with the field the error must name and
 * a word of its message) and a body at each limit that must still be accepted. So a rule added to a
 * schema is tested without a new line of test.
 */

type Json = Record<string, unknown>;
type Path = (string | number)[];

export interface Case {
  what: string;
  body: Json;
  field: string;
  message: string;
}

const NAME = (path: Path) =>
  path.reduce<string>(
    (name, part) =>
      typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part,
    '',
  );

function withValue(body: Json, path: Path, value: unknown): Json {
  const copy = structuredClone(body);
  let node = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === DELETE) delete node[last];
  else node[last] = value;
  return copy;
}
const DELETE = Symbol('delete');

function valueAt(body: Json, path: Path): unknown {
  return path.reduce<unknown>(
    (node, part) => (node as Record<string | number, unknown>)[part],
    body,
  );
}

export function rulesOf(
  schemas: ComponentSchemas,
  name: string,
  valid: object,
): { refused: Case[]; accepted: Omit<Case, 'field' | 'message'>[] } {
  const full = valid as Json;
  const refused: Case[] = [];
  const accepted: Omit<Case, 'field' | 'message'>[] = [];
  const resolve = (schema: SchemaObject | { $ref: string }): SchemaObject =>
    '$ref' in schema ? schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
  const refuse = (what: string, path: Path, value: unknown, field: string, message: string) =>
    refused.push({ what, body: withValue(full, path, value), field, message });
  const accept = (what: string, path: Path, value: unknown) =>
    accepted.push({ what, body: withValue(full, path, value) });

  const walk = (schema: SchemaObject, path: Path): void => {
    const type = primaryType(schema);
    const field = NAME(path);
    if (type === 'object') {
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (path.length === 0 && key === 'type') continue;
        if (schema.required?.includes(key)) {
          refuse(
            `${field || 'body'} without ${key}`,
            [...path, key],
            DELETE,
            NAME([...path, key]),
            'is required',
          );
        } else {
          accept(`${field || 'body'} without ${key}`, [...path, key], DELETE);
        }
        walk(resolve(sub), [...path, key]);
      }
      const extra = [...path, 'extra'];
      refuse(`${field || 'body'} with an unknown field`, extra, 1, NAME(extra), 'is not allowed');
      if (path.length > 0) refuse(`${field} not an object`, path, 'x', field, 'must be an object');
      return;
    }
    if (acceptsNull(schema)) accept(`${field} null`, path, null);
    if (type === 'array') {
      const items = valueAt(full, path) as unknown[];
      refuse(`${field} not a list`, path, 'x', field, 'must be an array');
      if (schema.minItems) refuse(`${field} too short`, path, [], field, 'at least');
      if (schema.maxItems !== undefined) {
        const many = (n: number) => Array.from({ length: n }, () => items[0]);
        refuse(`${field} too long`, path, many(schema.maxItems + 1), field, 'at most');
        accept(`${field} at its longest`, path, many(schema.maxItems));
      }
      walk(resolve(schema.items!), [...path, 0]);
      return;
    }
    const wrongType = schema.enum
      ? 'must be one of'
      : schema.format === 'date'
        ? 'valid date'
        : `must be a${type === 'object' || type === 'array' ? 'n' : ''} ${type}`;
    refuse(
      `${field} of the wrong type`,
      path,
      type === 'boolean' ? 'yes' : 12345,
      field,
      wrongType,
    );
    if (!acceptsNull(schema)) refuse(`${field} null`, path, null, field, 'is required');
    if (schema.enum)
      refuse(`${field} not one of the values`, path, 'nope', field, 'must be one of');
    if (schema.format === 'date') {
      for (const date of [
        '2025-02-30',
        '2025-02-29',
        '2025-13-01',
        '2025-2-3',
        '2025-11-01T00:00:00Z',
        '1899-12-31',
      ]) {
        refuse(`${field} ${date}`, path, date, field, 'valid date');
      }
      accept(`${field} on a leap day`, path, '2024-02-29');
    }
    if (schema.maxLength !== undefined) {
      refuse(`${field} too long`, path, 'x'.repeat(schema.maxLength + 1), field, 'at most');
      accept(`${field} at its longest`, path, 'x'.repeat(schema.maxLength));
    }
    if (schema.pattern === NOT_BLANK)
      refuse(`${field} blank`, path, ' \n\t', field, 'must not be blank');
  };
  walk(schemas[name], []);
  return { refused, accepted };
}
