import type { SchemaObject } from '@nestjs/swagger';

/**
 * Schemas that are not generated from a class (the event unions, whose definitions also validate
 * the requests): merged into components.schemas of the document.
 */
export function extraSchemas(): Record<string, SchemaObject> {
  return {};
}
