import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { componentName, type ComponentSchemas } from './schema-validator';

/**
 * For the event schema tests (case and RE_SET events): reading a discriminated union of
 * components, and the body an event route takes in the OpenAPI document.
 */

/** The component name of the branch of `union` that the discriminator maps `tag` to. */
export function branchName(schemas: ComponentSchemas, union: string, tag: string): string {
  return componentName(schemas[union].discriminator!.mapping![tag]);
}

/** Each `oneOf` branch's one-value tag enum mapped to its `$ref`: the mapping Ajv derives. */
export function tagsOfBranches(schemas: ComponentSchemas, union: string): Record<string, string> {
  const { oneOf, discriminator } = schemas[union];
  const property = discriminator!.propertyName;
  return Object.fromEntries(
    oneOf!.map((branch) => {
      const ref = (branch as { $ref: string }).$ref;
      const tag = schemas[componentName(ref)].properties![property] as SchemaObject;
      const value: unknown = tag.enum?.[0];
      if (typeof value !== 'string') throw new Error(`${ref} has no string tag in ${property}`);
      return [value, ref];
    }),
  );
}

/** The application/json request body of `POST path` in the document: its schema and examples. */
export function jsonBodyOf(
  document: OpenAPIObject,
  path: string,
): { schema: unknown; examples: Record<string, { value: unknown }> } {
  const body = document.paths[path].post!.requestBody as {
    content: Record<string, { schema: unknown; examples: Record<string, { value: unknown }> }>;
  };
  return body.content['application/json'];
}
