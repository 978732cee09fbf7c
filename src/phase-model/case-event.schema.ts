import type { ExampleObject, SchemaObject } from '@nestjs/swagger';
import {
  componentRef,
  frozen,
  NOT_BLANK,
  taggedUnion,
  type ComponentSchemas,
} from '../common/json-schema/schema-validator';
import type { CaseEvent } from './case-event';
import {
  CASE_EVENT_TYPES,
  COMPLETION_OUTCOMES,
  DROP_OUT_REASONS,
  EVENT_LABELS,
  type CaseEventType,
} from './phase-model.types';

/**
 * The body of `POST /api/v1/cases/:id/events`, declared once: EVENT_PAYLOAD_FIELDS (published by
 * GET /phase-model) generates one JSON schema per event and the discriminated union `CaseEvent`;
 * those schemas go into the OpenAPI document (src/openapi/extra-schemas.ts) and validate the
 * requests (parseCaseEvent), so the two cannot drift.
 */

export const MAX_TEXT_LENGTH = 2000;

export interface PayloadField {
  name: string;
  kind: 'text' | 'enum' | 'date';
  /** `'if_reason_code_other'`: DROP_OUT's free text is required only with reason code `other`. */
  required: boolean | 'if_reason_code_other';
  values?: readonly string[];
}

const text = (name: string, required: PayloadField['required']): PayloadField => ({
  name,
  kind: 'text',
  required,
});
const NOTE = text('note', false);

/** Declared once; drives the JSON schemas (and so the parser) and the published model. */
export const EVENT_PAYLOAD_FIELDS: Record<CaseEventType, readonly PayloadField[]> = {
  START_COUNSELLING: [NOTE],
  START_PLANNING: [NOTE],
  LAUNCH: [NOTE],
  START_CONSOLIDATION: [NOTE],
  COMPLETE: [
    { name: 'outcome', kind: 'enum', required: true, values: COMPLETION_OUTCOMES },
    { name: 'followUpOn', kind: 'date', required: true },
    NOTE,
  ],
  STEP_BACK: [text('reason', true), NOTE],
  DROP_OUT: [
    { name: 'reasonCode', kind: 'enum', required: true, values: DROP_OUT_REASONS },
    text('reason', 'if_reason_code_other'),
    NOTE,
  ],
  PAUSE: [text('reason', true), NOTE],
  RESUME: [NOTE],
  REOPEN: [text('reason', true), NOTE],
};

/** The named enums of the payload fields (one component each, reused wherever the values occur). */
const ENUM_SCHEMAS = {
  CompletionOutcome: {
    values: COMPLETION_OUTCOMES,
    description:
      'How a completed case ended: founded full-time, founded part-time, employment, other',
  },
  DropOutReason: { values: DROP_OUT_REASONS, description: 'Why a founder dropped out' },
} as const;
const enumSchemaName = (values: readonly string[] | undefined): keyof typeof ENUM_SCHEMAS => {
  const found = (Object.keys(ENUM_SCHEMAS) as (keyof typeof ENUM_SCHEMAS)[]).find(
    (name) => ENUM_SCHEMAS[name].values === values,
  );
  if (!found) throw new Error('A payload enum without a named schema');
  return found;
};

/** A valid body of each event: the document's examples; the tests send each one. */
export const CASE_EVENT_EXAMPLES: {
  readonly [T in CaseEventType]: Extract<CaseEvent, { type: T }>;
} = {
  START_COUNSELLING: {
    type: 'START_COUNSELLING',
    note: 'Erstgespräch am 14.01. vereinbart, Einwilligung liegt vor',
  },
  START_PLANNING: { type: 'START_PLANNING', note: 'Idee tragfähig, Förderweg Einstiegsgeld' },
  LAUNCH: { type: 'LAUNCH', note: 'Gewerbe zum 01.03. angemeldet' },
  START_CONSOLIDATION: { type: 'START_CONSOLIDATION', note: 'Erste Kunden, Buchhaltung läuft' },
  COMPLETE: {
    type: 'COMPLETE',
    outcome: 'founded_main',
    followUpOn: '2026-09-30',
    note: 'Trägt sich seit drei Monaten selbst',
  },
  STEP_BACK: { type: 'STEP_BACK', reason: 'Finanzplan nicht tragfähig, Planung neu aufsetzen' },
  DROP_OUT: { type: 'DROP_OUT', reasonCode: 'other', reason: 'Rückkehr ins Herkunftsland' },
  PAUSE: { type: 'PAUSE', reason: 'Elternzeit bis Ende Juni' },
  RESUME: { type: 'RESUME', note: 'Elternzeit beendet' },
  REOPEN: { type: 'REOPEN', reason: 'Gründerin möchte einen neuen Anlauf nehmen' },
};

/** What each event does (its summary is its English label, EVENT_LABELS). */
const DESCRIPTIONS: Record<CaseEventType, string> = {
  START_COUNSELLING: 'access → first_counselling.',
  START_PLANNING: 'first_counselling → planning.',
  LAUNCH: 'planning → launch.',
  START_CONSOLIDATION: 'launch → consolidation.',
  COMPLETE: 'Closes the case with its outcome and the date of the follow-up contact.',
  STEP_BACK: 'Back to the previous phase, with a reason.',
  DROP_OUT:
    'Closes the case with a reason code. `reason` (free text) is required when `reasonCode` is ' +
    '`other` and optional otherwise: a rule the schema cannot state, checked after it.',
  PAUSE: 'Pauses an active case, with a reason.',
  RESUME: 'Resumes a paused case in its phase.',
  REOPEN: 'Reopens a closed case, with a reason. Only a lead of the office may send it.',
};
const summary = (type: CaseEventType): string => EVENT_LABELS[type].en;

const REASONS: Partial<Record<CaseEventType, string>> = {
  STEP_BACK: 'Why the case goes back one phase',
  DROP_OUT: 'Details of the drop-out; required when reasonCode is `other`',
  PAUSE: 'Why the case is paused',
  REOPEN: 'Why the case is reopened',
};
const describe = (type: CaseEventType, field: PayloadField): string => {
  switch (field.name) {
    case 'reason':
      return REASONS[type] ?? 'Reason';
    case 'note':
      return 'A note for the history of the case';
    case 'followUpOn':
      return 'Date of the follow-up contact: a real calendar date, YYYY-MM-DD, from 1900-01-01 to 2200-12-31';
    default:
      return field.name;
  }
};

const schemaName = (type: CaseEventType): string =>
  `${type
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')}Event`;

function fieldSchema(type: CaseEventType, field: PayloadField): SchemaObject | { $ref: string } {
  switch (field.kind) {
    case 'enum':
      return componentRef(enumSchemaName(field.values));
    case 'date':
      return { type: 'string', format: 'date', description: describe(type, field) };
    case 'text': {
      const optional = field.required !== true;
      return {
        // OpenAPI 3.1 / JSON Schema: null is a type of its own
        type: optional ? ['string', 'null'] : 'string',
        pattern: NOT_BLANK,
        maxLength: MAX_TEXT_LENGTH,
        description:
          `${describe(type, field)}. Free text, not blank, at most ${MAX_TEXT_LENGTH} characters` +
          (optional ? '; null is the same as leaving it out.' : '.'),
      };
    }
  }
}

function eventSchema(type: CaseEventType): SchemaObject {
  const fields = EVENT_PAYLOAD_FIELDS[type];
  return {
    type: 'object',
    description: `${summary(type)}: ${DESCRIPTIONS[type]}`,
    required: ['type', ...fields.filter((f) => f.required === true).map((f) => f.name)],
    properties: {
      type: { type: 'string', enum: [type] },
      ...Object.fromEntries(fields.map((field) => [field.name, fieldSchema(type, field)])),
    },
    additionalProperties: false,
    example: CASE_EVENT_EXAMPLES[type],
  };
}

/**
 * The components: `CaseEvent` (the union), one `…Event` per type, and the enums `CaseEventType`,
 * `CompletionOutcome`, `DropOutReason`.
 */
export const CASE_EVENT_SCHEMAS: ComponentSchemas = frozen({
  CaseEvent: {
    type: 'object',
    description:
      'An event for a case: `type` selects the event and its payload. Besides the schema, DROP_OUT ' +
      'requires `reason` when `reasonCode` is `other`, and dates must be real calendar days.',
    ...taggedUnion(CASE_EVENT_TYPES, schemaName),
    example: CASE_EVENT_EXAMPLES.START_COUNSELLING,
  },
  ...Object.fromEntries(CASE_EVENT_TYPES.map((type) => [schemaName(type), eventSchema(type)])),
  CaseEventType: {
    type: 'string',
    enum: [...CASE_EVENT_TYPES],
    description: 'The events that move a case through the 4+1 phase model',
    example: 'START_COUNSELLING',
  },
  ...Object.fromEntries(
    Object.entries(ENUM_SCHEMAS).map(([name, { values, description }]) => [
      name,
      { type: 'string', enum: [...values], description, example: values[0] },
    ]),
  ),
});

/** The request-body examples of the events route, one per event; Swagger UI shows the first. */
export const CASE_EVENT_BODY_EXAMPLES: Readonly<Record<CaseEventType, ExampleObject>> = frozen(
  Object.fromEntries(
    CASE_EVENT_TYPES.map((type) => [
      type,
      { summary: summary(type), value: CASE_EVENT_EXAMPLES[type] },
    ]),
  ) as Record<CaseEventType, ExampleObject>,
);
