/**
 * @nestjs/swagger writes OpenAPI 3.0 schemas. The document is published as OpenAPI 3.1, whose
 * schemas are plain JSON Schema (2020-12), because 3.0 cannot say "this named enum or null":
 * `{ nullable: true, allOf: [{ $ref }] }` still rejects null (the referenced schema applies), and
 * Redocly rightly refuses `nullable` without a `type`. This pass rewrites, in place:
 * - `type: T, nullable: true` → `type: [T, 'null']` (and null joins an inline `enum`);
 * - a nullable `$ref` or one-element `allOf` → `anyOf: [{ $ref }, { type: 'null' }]`;
 * - a one-element `allOf: [{ $ref }]` (3.0's way to put a description beside a $ref) → the `$ref`
 *   itself, since 3.1 allows siblings of `$ref`;
 * - `example` inside a schema stays (3.1 still allows it).
 */
type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
// Array.isArray narrows unknown to any[]; the members of a schema's arrays are unknown.
const isArray = (value: unknown): value is unknown[] => Array.isArray(value);

function rewrite(schema: Schema): void {
  const allOf = schema.allOf;
  if (
    Array.isArray(allOf) &&
    allOf.length === 1 &&
    isSchema(allOf[0]) &&
    typeof allOf[0].$ref === 'string' &&
    !schema.$ref
  ) {
    delete schema.allOf;
    schema.$ref = allOf[0].$ref;
    // Nest adds `type: object` next to an object ref; the ref says what it is.
    if (schema.type === 'object') delete schema.type;
  }
  if (schema.nullable !== true) {
    delete schema.nullable;
    return;
  }
  delete schema.nullable;
  if (typeof schema.$ref === 'string') {
    schema.anyOf = [{ $ref: schema.$ref }, { type: 'null' }];
    delete schema.$ref;
    delete schema.type;
  } else if (typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
    if (isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
  } else if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf)) {
    const key = Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf';
    (schema[key] as unknown[]).push({ type: 'null' });
  }
}

/**
 * Rewrites every schema of the document to the 3.1 forms: children first, then the node itself.
 * Only schemas carry `nullable` or `allOf`; example values are skipped (they are data).
 */
export function toOpenApi31Schemas(node: unknown, isPropertyMap = false): void {
  if (Array.isArray(node)) {
    for (const item of node) toOpenApi31Schemas(item);
    return;
  }
  if (!isSchema(node)) return;
  for (const [key, value] of Object.entries(node)) {
    // In a `properties` map every key is a property's name (also one called "example").
    if (isPropertyMap || (key !== 'example' && key !== 'examples'))
      toOpenApi31Schemas(value, key === 'properties' && !isPropertyMap);
  }
  if (!isPropertyMap && ('nullable' in node || 'allOf' in node)) rewrite(node);
}
