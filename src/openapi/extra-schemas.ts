import type { SchemaObject } from '@nestjs/swagger';
import { CASE_EVENT_SCHEMAS } from '../phase-model/case-event.schema';
import { RESET_EVENT_SCHEMAS } from '../reset/lifecycle/reset-event.schema';

/**
 * Schemas that are not generated from a class (the event unions, whose definitions also validate
 * the requests): merged into components.schemas of the document. These are the very objects
 * parseCaseEvent and parseResetEvent compile (deep-frozen), not copies.
 */
export function extraSchemas(): Record<string, SchemaObject> {
  return { ...CASE_EVENT_SCHEMAS, ...RESET_EVENT_SCHEMAS };
}
