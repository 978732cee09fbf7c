import type { SchemaObject } from '@nestjs/swagger';
import { EXPORT_KINDS } from '../exports/dto/export-results.dto';
import { EXPORT_FORMATS } from '../exports/dto/export-query.dto';
import { RESTART_EVENT } from '../phase-model/case-machine';
import { phaseModelDescription } from '../phase-model/phase-model-description';
import { COMPLETION_OUTCOMES, DROP_OUT_REASONS, PHASES } from '../phase-model/phase-model.types';
import { RESET_RECOMMENDATIONS } from '../reset/lifecycle/reset-event.schema';
import { DERIVED_TASK_KINDS } from '../tasks/task';
import {
  WEBHOOK_EVENT_TYPES,
  type WebhookEnvelope,
  type WebhookEventData,
  type WebhookEventType,
} from './webhook-events';

/**
 * The JSON schemas of the bodies Lotse sends (the `webhooks` of the OpenAPI document), one per
 * event type. They cannot drift from the types in webhook-events.ts: each data schema is a
 * mapped type over the keys of WebhookEventData[type] (a missing or extra property does not
 * compile), each property's JSON type and nullability is derived from its TypeScript type, and
 * `required` is the list of those keys. The examples are typed WebhookEnvelope and checked
 * against the schemas by the unit spec. The triggers that fill `data` are in migration
 * 1764117400000-WebhookEvents.
 */

/** The JSON type of a TypeScript property: its numbers are all counts or versions, i.e. integers. */
type JsonType<V> = V extends string
  ? 'string'
  : V extends number
    ? 'integer'
    : V extends boolean
      ? 'boolean'
      : never;
/** A property's schema: `type` names null exactly when the TypeScript type admits it. */
type PropertySchema<V> = SchemaObject & {
  type: null extends V ? [JsonType<NonNullable<V>>, 'null'] : JsonType<V>;
  description: string;
};
type DataProperties<T extends WebhookEventType> = {
  [P in keyof WebhookEventData[T]]-?: PropertySchema<WebhookEventData[T][P]>;
};

/** `enum` of a nullable property: null is one of its values (JSON Schema checks both). */
const orNull = (values: readonly string[]): (string | null)[] => [...values, null];

const uuid = (description: string): PropertySchema<string> => ({
  type: 'string',
  format: 'uuid',
  description,
});
const uuidOrNull = (description: string): PropertySchema<string | null> => ({
  type: ['string', 'null'],
  format: 'uuid',
  description,
});

const code = (values: readonly string[], description: string): PropertySchema<string> => ({
  type: 'string',
  enum: [...values],
  description,
});

const OFFICE = 'The office the event is sent to (GET /api/v1/offices/{id})';
const CASE = 'The case (GET /api/v1/cases/{id})';
const VERSION = 'The case\u2019s version after the change (its ETag, as If-Match takes it)';

/**
 * The phase-model events of case_history rows that move a case to another phase, and those that
 * close it: read from the machine's own transitions (GET /phase-model publishes the same), plus
 * the system's RESTART of an accepted RE_SET analysis, which re-enters a case at planning.
 */
function historyEvents(): { phaseChanging: string[]; closing: string[] } {
  const events = phaseModelDescription().events;
  return {
    phaseChanging: [
      ...events
        .filter((e) => e.transitions.some((t) => t.from.phase !== t.to.phase))
        .map((e) => e.type),
      RESTART_EVENT,
    ],
    closing: events
      .filter((e) =>
        e.transitions.some((t) => t.to.status === 'closed' && t.from.status !== 'closed'),
      )
      .map((e) => e.type),
  };
}

function dataProperties(): { [T in WebhookEventType]: DataProperties<T> } {
  const { phaseChanging, closing } = historyEvents();
  return {
    'case.created': {
      caseId: uuid(CASE),
      officeId: uuid(OFFICE),
      founderId: uuid('The founder the case is for (GET /api/v1/founders/{id})'),
      phase: code(PHASES, 'The phase the case begins in'),
    },
    'case.phase_changed': {
      caseId: uuid(CASE),
      officeId: uuid(OFFICE),
      fromPhase: code(PHASES, 'The phase before the change'),
      toPhase: code(PHASES, 'The phase after the change'),
      event: code(
        phaseChanging,
        'The phase-model event that changed the phase (RESTART: an accepted RE_SET analysis restarted the case)',
      ),
      version: { type: 'integer', minimum: 1, description: VERSION },
    },
    'case.closed': {
      caseId: uuid(CASE),
      officeId: uuid(OFFICE),
      phase: code(PHASES, 'The phase the case was closed in'),
      event: code(closing, 'The phase-model event that closed the case'),
      code: {
        type: ['string', 'null'],
        enum: orNull([...new Set([...COMPLETION_OUTCOMES, ...DROP_OUT_REASONS])]),
        description: `COMPLETE's outcome code (${COMPLETION_OUTCOMES.join(', ')}) or DROP_OUT's reason code (${DROP_OUT_REASONS.join(', ')}); null when the event carried none`,
      },
      version: { type: 'integer', minimum: 1, description: VERSION },
    },
    'case.transferred': {
      caseId: uuid(CASE),
      transferId: uuidOrNull(
        'The accepted hand-over that moved the case (GET /api/v1/transfers/{id}); null if none is recorded',
      ),
      fromOfficeId: uuid('The office that handed the case over'),
      toOfficeId: uuid('The office that accepted it (and holds the case now)'),
    },
    'reset.decided': {
      analysisId: uuid('The RE_SET analysis (GET /api/v1/reset-analyses/{id})'),
      officeId: uuid(OFFICE),
      caseId: uuidOrNull(
        'The case an accepted restart_with_coaching restarted, otherwise the analysis\u2019s linked case; null when it has none',
      ),
      recommendation: code(RESET_RECOMMENDATIONS, 'The recommendation that was decided on'),
      accepted: { type: 'boolean', description: 'Whether the founder accepted the recommendation' },
    },
    'task.due': {
      taskId: {
        type: 'string',
        minLength: 1,
        description:
          'The derived task\u2019s stable id (its kind and the ids of its subject, e.g. first_counselling_overdue:<case id>), as GET /api/v1/tasks lists it',
      },
      kind: code(DERIVED_TASK_KINDS, 'The kind of derived task'),
      officeId: uuid(OFFICE),
      caseId: uuidOrNull(
        'The case the task is about; null when it is about a RE_SET analysis without a case',
      ),
      analysisId: uuidOrNull(
        'The RE_SET analysis the task is about; null when it is about a case only',
      ),
      dueOn: {
        type: 'string',
        format: 'date',
        description:
          'The due day that has come (YYYY-MM-DD, Europe/Berlin); a task whose due date moves is announced again on its new day',
      },
    },
    'export.completed': {
      exportId: uuid('The export (GET /api/v1/exports/{id}/manifest gives its signed manifest)'),
      officeId: uuid(OFFICE),
      kind: code(EXPORT_KINDS, 'The kind of export (its manifest\u2019s kind)'),
      format: code(EXPORT_FORMATS, 'The file format it was written in'),
      rowCount: { type: 'integer', minimum: 0, description: 'The number of rows it holds' },
    },
  };
}

const DESCRIPTIONS: Record<WebhookEventType, { summary: string; description: string }> = {
  'case.created': {
    summary: 'A case was opened',
    description: 'Sent when a case is opened in the office, also one that a RE_SET restart opens.',
  },
  'case.phase_changed': {
    summary: 'A case moved to another phase',
    description:
      'Sent for every event that moves a case to another phase of the 4+1 model (forward, one step back, or a RE_SET restart). Pausing, resuming and reopening keep the phase and send nothing.',
  },
  'case.closed': {
    summary: 'A case was closed',
    description: 'Sent when a case is completed (COMPLETE) or dropped out (DROP_OUT).',
  },
  'case.transferred': {
    summary: 'A case was handed over to another office',
    description:
      'Sent when the receiving office accepts a hand-over, to the endpoints of both offices (the same data).',
  },
  'reset.decided': {
    summary: 'A RE_SET analysis was decided',
    description:
      'Sent when the founder\u2019s decision on the analysis\u2019s recommendation is recorded (DECIDE), accepted or not.',
  },
  'task.due': {
    summary: 'A derived task became due',
    description:
      'Sent once per derived task and due day, by a periodic sweep over the desk\u2019s tasks; tasks already due before the endpoint was created are not announced.',
  },
  'export.completed': {
    summary: 'An export was completed',
    description:
      'Sent when an export\u2019s signed manifest is saved, to each office the export covered.',
  },
};

/** The component name of an event's body, e.g. case.phase_changed → WebhookEventCasePhaseChanged. */
export function webhookEventSchemaName(type: WebhookEventType): string {
  return `WebhookEvent${type
    .split(/[._]/)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('')}`;
}

/** The delivered body of each event type: the envelope with its exact `data`. */
export function webhookEventSchemas(): { [T in WebhookEventType]: SchemaObject } {
  const properties = dataProperties();
  const schema = <T extends WebhookEventType>(type: T): SchemaObject => ({
    type: 'object',
    title: webhookEventSchemaName(type),
    description: `${DESCRIPTIONS[type].summary}: the body of a \`${type}\` webhook. Ids and codes only; fetch the details with your own credentials.`,
    required: ['type', 'timestamp', 'data'],
    additionalProperties: false,
    properties: {
      // A one-value enum is the document's way of writing a tag (as in the event unions).
      type: { type: 'string', enum: [type], description: 'The event type' },
      timestamp: {
        type: 'string',
        format: 'date-time',
        description:
          'When the change happened (ISO 8601, UTC, milliseconds); the same on every attempt',
      },
      data: {
        type: 'object',
        description: 'What the event is about',
        required: Object.keys(properties[type]),
        additionalProperties: false,
        properties: properties[type],
      },
    },
  });
  return Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [type, schema(type)])) as {
    [T in WebhookEventType]: SchemaObject;
  };
}

export function webhookEventText(type: WebhookEventType): { summary: string; description: string } {
  return DESCRIPTIONS[type];
}

const A = '5b8e1f0c-3a4d-4c2e-9f1a-7d6b2c8e4f10';
const CASE_ID = '0b8f4c7e-2f9d-4e55-9a53-6f1d2a3b4c5d';
const AT = '2026-03-02T09:15:27.412Z';

/** One body per event type as Lotse sends it (the document's examples; the spec validates them). */
export const WEBHOOK_EVENT_EXAMPLES: { [T in WebhookEventType]: WebhookEnvelope<T> } = {
  'case.created': {
    type: 'case.created',
    timestamp: AT,
    data: {
      caseId: CASE_ID,
      officeId: A,
      founderId: 'c7d2a9e4-1b3f-4a6c-8e5d-2f9b0a1c3d4e',
      phase: 'access',
    },
  },
  'case.phase_changed': {
    type: 'case.phase_changed',
    timestamp: AT,
    data: {
      caseId: CASE_ID,
      officeId: A,
      fromPhase: 'access',
      toPhase: 'first_counselling',
      event: 'START_COUNSELLING',
      version: 3,
    },
  },
  'case.closed': {
    type: 'case.closed',
    timestamp: AT,
    data: {
      caseId: CASE_ID,
      officeId: A,
      phase: 'consolidation',
      event: 'COMPLETE',
      code: 'founded_main',
      version: 9,
    },
  },
  'case.transferred': {
    type: 'case.transferred',
    timestamp: AT,
    data: {
      caseId: CASE_ID,
      transferId: '8a1c3e5f-7b9d-4f2a-b4c6-d8e0f2a4b6c8',
      fromOfficeId: A,
      toOfficeId: '9e2f4a6b-8c0d-4e1f-a3b5-c7d9e1f3a5b7',
    },
  },
  'reset.decided': {
    type: 'reset.decided',
    timestamp: AT,
    data: {
      analysisId: '3f5a7c9e-1b2d-4e6f-8a0c-2e4f6a8c0e2a',
      officeId: A,
      caseId: CASE_ID,
      recommendation: 'restart_with_coaching',
      accepted: true,
    },
  },
  'task.due': {
    type: 'task.due',
    timestamp: AT,
    data: {
      taskId: `first_counselling_overdue:${CASE_ID}`,
      kind: 'first_counselling_overdue',
      officeId: A,
      caseId: CASE_ID,
      analysisId: null,
      dueOn: '2026-03-02',
    },
  },
  'export.completed': {
    type: 'export.completed',
    timestamp: AT,
    data: {
      exportId: '6d8f0a2c-4e6a-4b8d-9f1b-3d5f7a9c1e3b',
      officeId: A,
      kind: 'phase-history',
      format: 'csv',
      rowCount: 42,
    },
  },
};
