import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { SchemaObject } from '@nestjs/swagger';
import { isCalendarDate } from '../time/iso-date';

/**
 * Validation of request bodies with the very JSON schemas the OpenAPI document publishes (OpenAPI
 * 3.1, i.e. JSON Schema: `type: ['string', 'null']`, one-value `enum`s as tags, `discriminator`), so the document and the
 * validation cannot drift. The schemas are the objects that go into components.schemas; their
 * `$ref`s (`#/components/schemas/X`) resolve inside the same set.
 */

export interface FieldError {
  field: string;
  message: string;
}

export type ComponentSchemas = Readonly<Record<string, SchemaObject>>;

const COMPONENTS = '#/components/schemas/';

/** A `$ref` to the component `name`. */
export const componentRef = (name: string): { $ref: string } => ({ $ref: `${COMPONENTS}${name}` });

/** The component name a `$ref` (`#/components/schemas/X`) points to. */
export const componentName = (ref: string): string => ref.replace(COMPONENTS, '');

/**
 * A discriminated union of one component per tag (`branch(tag)` names it), told apart by its
 * `type` property: the `oneOf` and the discriminator with its mapping.
 */
export function taggedUnion<T extends string>(
  tags: readonly T[],
  branch: (tag: T) => string,
): Pick<SchemaObject, 'oneOf' | 'discriminator'> {
  return {
    oneOf: tags.map((tag) => componentRef(branch(tag))),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(tags.map((tag) => [tag, componentRef(branch(tag)).$ref])),
    },
  };
}

/** Deep-frozen: the document and the validator hold the same objects, nobody may change them. */
export function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) frozen(inner);
  }
  return value;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, discriminator: true, verbose: true, strict: true });
  // OpenAPI's annotation keyword, and the root that holds the components for `$ref`.
  ajv.addVocabulary(['example', 'components']);
  // `format: date` is the service's calendar date: YYYY-MM-DD, a real day, years 1900 to 2200.
  ajv.addFormat('date', { type: 'string', validate: isCalendarDate });
  return ajv;
}

/**
 * Compiles the component `name` of `schemas`. Ajv's discriminator derives its mapping from the
 * one-value `enum` of each `oneOf` branch and refuses an explicit `mapping`, so the union is handed
 * to Ajv without its `mapping` (which the document keeps for generators and Swagger UI; the tests
 * hold it equal to the branches' tags). Every other schema is the published object itself.
 */
export function compileComponent(schemas: ComponentSchemas, name: string): ValidateFunction {
  const forAjv: Record<string, SchemaObject> = {};
  for (const [key, schema] of Object.entries(schemas)) {
    forAjv[key] = schema.discriminator?.mapping
      ? { ...schema, discriminator: { propertyName: schema.discriminator.propertyName } }
      : schema;
  }
  const ajv = newAjv();
  ajv.addSchema({ components: { schemas: forAjv } }, 'openapi');
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`No schema ${name} to compile`);
  return validate;
}

/** `/measures/0/title` → `measures[0].title`, as the API has always named fields in errors. */
function fieldName(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  return parts
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part),
      '',
    );
}

const ARTICLE: Record<string, string> = {
  array: 'an array',
  object: 'an object',
  integer: 'an integer',
};

function messageOf(error: ErrorObject, event: string): string {
  const schema = (error.parentSchema ?? {}) as SchemaObject;
  // null is "not given" (a field that may be null says `type: [..., 'null']` and passes)
  if (error.data === null && (error.keyword === 'type' || error.keyword === 'enum')) {
    return 'is required';
  }
  if (schema.enum && (error.keyword === 'enum' || error.keyword === 'type')) {
    return `must be one of: ${schema.enum.join(', ')}`;
  }
  if (schema.format === 'date') return 'must be a valid date (YYYY-MM-DD)';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return error.instancePath === '' ? `is not allowed for ${event}` : 'is not allowed';
    case 'type': {
      const type = String(params.type).split(',')[0];
      return `must be ${ARTICLE[type] ?? `a ${type}`}`;
    }
    case 'pattern':
      return schema.pattern === NOT_BLANK ? 'must not be blank' : `must match ${schema.pattern}`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'minItems':
      return `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${String(params.limit)} items`;
    default:
      return error.message ?? `is not valid (${error.keyword})`;
  }
}

/** The `pattern` of a text that must not be blank (at least one character that is not a space). */
export const NOT_BLANK = '\\S';

/**
 * Ajv's errors of a body validated against the discriminated `union` of `schemas`, as the API
 * answers them: `{ field, message }`, one per field (the first Ajv reports), unknown fields first,
 * then in the order the event's schema declares its properties.
 */
export function toFieldErrors(
  errors: readonly ErrorObject[],
  body: Record<string, unknown>,
  schemas: ComponentSchemas,
  union: string,
): FieldError[] {
  const { discriminator } = schemas[union];
  const mapping = discriminator?.mapping ?? {};
  const tag = body[discriminator?.propertyName ?? 'type'];
  const branch = typeof tag === 'string' && Object.hasOwn(mapping, tag) ? mapping[tag] : undefined;
  const declared = Object.keys((branch && schemas[componentName(branch)]?.properties) ?? {});
  const rank = (error: ErrorObject, field: string): number => {
    if (error.keyword === 'additionalProperties' && error.instancePath === '') return 0;
    const index = declared.indexOf(field.split(/[.[]/)[0]);
    return 1 + (index === -1 ? declared.length : index);
  };

  const byField = new Map<string, { message: string; rank: number }>();
  for (const error of errors) {
    if (error.keyword === 'discriminator') {
      const message = `must be one of: ${Object.keys(mapping).join(', ')}`;
      byField.set(discriminator?.propertyName ?? 'type', { message, rank: -1 });
      continue;
    }
    const params = error.params as Record<string, unknown>;
    const child =
      error.keyword === 'required'
        ? String(params.missingProperty)
        : error.keyword === 'additionalProperties'
          ? String(params.additionalProperty)
          : undefined;
    const field = fieldName(error.instancePath, child);
    if (byField.has(field)) continue;
    byField.set(field, { message: messageOf(error, String(tag)), rank: rank(error, field) });
  }
  return [...byField.entries()]
    .sort(([, a], [, b]) => a.rank - b.rank)
    .map(([field, { message }]) => ({ field, message }));
}
