import type { ExampleObject, SchemaObject } from '@nestjs/swagger';
import type { BilingualLabel } from '../../phase-model/phase-model.types';
import {
  componentRef,
  frozen,
  NOT_BLANK,
  taggedUnion,
  type ComponentSchemas,
} from '../../common/json-schema/schema-validator';
import type { ResetEvent } from './reset-events';

/**
 * The body of `POST /api/v1/reset-analyses/:id/events`, declared once as JSON schemas (one per
 * event and the discriminated union `ResetEvent`): they go into the OpenAPI document
 * (src/openapi/extra-schemas.ts) and validate the requests (parseResetEvent), so the two cannot
 * drift.
 */

export const RESET_EVENT_TYPES = [
  'START_ANALYSIS',
  'ASSESS',
  'RECOMMEND',
  'DECIDE',
  'CANCEL',
] as const;
export type ResetEventType = (typeof RESET_EVENT_TYPES)[number];

export const RESET_RECOMMENDATIONS = ['give_up', 'quick_exit', 'restart_with_coaching'] as const;
export type ResetRecommendation = (typeof RESET_RECOMMENDATIONS)[number];

export const SWOT_KEYS = ['strengths', 'weaknesses', 'opportunities', 'risks'] as const;

/** The limits of the payloads, in characters (Unicode code points) of the text as sent. */
export const RESET_LIMITS = {
  /** A SWOT item, a measure's title, a cancellation reason. */
  itemChars: 500,
  /** A rationale or a decision's note: free text, but bounded. */
  textChars: 5000,
  /** Items of a SWOT list, measures of a recommendation. */
  items: 50,
} as const;

/** A valid body of each event: what the README and the document show and the tests send. */
export const RESET_EVENT_EXAMPLES: {
  readonly [T in ResetEventType]: Extract<ResetEvent, { type: T }>;
} = {
  START_ANALYSIS: { type: 'START_ANALYSIS' },
  ASSESS: {
    type: 'ASSESS',
    strengths: ['Stammkundschaft'],
    weaknesses: ['Preise seit 2019 gleich'],
    opportunities: ['Neubaugebiet'],
    risks: ['Kette eröffnet'],
  },
  RECOMMEND: {
    type: 'RECOMMEND',
    recommendation: 'restart_with_coaching',
    measures: [{ title: 'Preise anheben', dueOn: '2026-09-01' }],
    rationale: 'Die Nachfrage ist da, die Preise decken die Kosten nicht.',
  },
  DECIDE: { type: 'DECIDE', accepted: true, note: 'Gründerin stimmt zu' },
  CANCEL: { type: 'CANCEL', reason: 'Gründerin zieht weg' },
};

/**
 * Each event's schema name, label (the model's, GET /reset-analyses/model; its English is the
 * schema's and the example's summary) and description.
 */
const EVENTS: Record<ResetEventType, { name: string; label: BilingualLabel; description: string }> =
  {
    START_ANALYSIS: {
      name: 'StartAnalysisEvent',
      label: { de: 'Analyse beginnen', en: 'Start the analysis' },
      description: 'intake → analysis; needs at least one EKS period.',
    },
    ASSESS: {
      name: 'AssessEvent',
      label: { de: 'Bewerten (SWOT)', en: 'Assess (SWOT)' },
      description: 'analysis → assessed, with the four SWOT lists.',
    },
    RECOMMEND: {
      name: 'RecommendEvent',
      label: { de: 'Empfehlen', en: 'Recommend' },
      description:
        'assessed → recommended, with the recommendation, its measures and the rationale.',
    },
    DECIDE: {
      name: 'DecideEvent',
      label: { de: 'Entscheiden', en: 'Decide' },
      description:
        'recommended → decided: whether the founder accepts the recommendation; an accepted ' +
        'restart_with_coaching restarts the case.',
    },
    CANCEL: {
      name: 'CancelEvent',
      label: { de: 'Abbrechen', en: 'Cancel' },
      description: 'Cancels an open analysis, with a reason.',
    },
  };

export const RESET_EVENT_LABELS: Readonly<Record<ResetEventType, BilingualLabel>> = frozen(
  Object.fromEntries(RESET_EVENT_TYPES.map((type) => [type, EVENTS[type].label])) as Record<
    ResetEventType,
    BilingualLabel
  >,
);

/** Free text that must not be blank; stored trimmed. */
const text = (maxLength: number, description: string): SchemaObject => ({
  type: 'string',
  pattern: NOT_BLANK,
  maxLength,
  description: `${description}; not blank, at most ${maxLength} characters, stored without surrounding spaces`,
});

const swotList = (what: string): SchemaObject => ({
  type: 'array',
  minItems: 1,
  maxItems: RESET_LIMITS.items,
  items: text(RESET_LIMITS.itemChars, 'One item'),
  description: what,
});

const event = (
  type: ResetEventType,
  properties: Record<string, SchemaObject | { $ref: string }>,
  required: string[],
): SchemaObject => ({
  type: 'object',
  description: `${EVENTS[type].label.en}: ${EVENTS[type].description}`,
  required: ['type', ...required],
  properties: { type: { type: 'string', enum: [type] }, ...properties },
  additionalProperties: false,
  example: RESET_EVENT_EXAMPLES[type],
});

const MEASURE: SchemaObject = {
  type: 'object',
  description: 'A measure the founder agrees to take',
  required: ['title'],
  properties: {
    title: text(RESET_LIMITS.itemChars, 'What is to be done'),
    dueOn: {
      type: ['string', 'null'],
      format: 'date',
      description:
        'By when: a real calendar date, YYYY-MM-DD, between 1900-01-01 and 2200-12-31; null or absent: no date',
    },
  },
  additionalProperties: false,
  example: { title: 'Preise anheben', dueOn: '2026-09-01' },
};

/**
 * The components: `ResetEvent` (the union), one `…Event` per type, and the enums `ResetEventType`
 * and `ResetRecommendation`.
 */
export const RESET_EVENT_SCHEMAS: ComponentSchemas = frozen({
  ResetEvent: {
    type: 'object',
    description:
      'An event for a RE_SET analysis: `type` selects the event and its payload. Texts are stored ' +
      'trimmed; dates must be real calendar days.',
    ...taggedUnion(RESET_EVENT_TYPES, (type) => EVENTS[type].name),
    example: RESET_EVENT_EXAMPLES.ASSESS,
  },
  StartAnalysisEvent: event('START_ANALYSIS', {}, []),
  AssessEvent: event(
    'ASSESS',
    {
      strengths: swotList('Strengths'),
      weaknesses: swotList('Weaknesses'),
      opportunities: swotList('Opportunities'),
      risks: swotList('Risks'),
    },
    [...SWOT_KEYS],
  ),
  RecommendEvent: event(
    'RECOMMEND',
    {
      recommendation: componentRef('ResetRecommendation'),
      measures: {
        type: 'array',
        minItems: 0,
        maxItems: RESET_LIMITS.items,
        items: MEASURE,
        description: 'The measures agreed on (may be empty)',
      },
      rationale: text(RESET_LIMITS.textChars, 'Why this recommendation'),
    },
    ['recommendation', 'measures', 'rationale'],
  ),
  DecideEvent: event(
    'DECIDE',
    {
      accepted: {
        type: 'boolean',
        description:
          'Whether the recommendation was accepted; an accepted restart_with_coaching restarts the case',
      },
      note: {
        type: ['string', 'null'],
        maxLength: RESET_LIMITS.textChars,
        description: `A note, at most ${RESET_LIMITS.textChars} characters, stored trimmed; blank, null or absent: no note`,
      },
    },
    ['accepted'],
  ),
  CancelEvent: event(
    'CANCEL',
    { reason: text(RESET_LIMITS.itemChars, 'Why the analysis is cancelled') },
    ['reason'],
  ),
  ResetEventType: {
    type: 'string',
    enum: [...RESET_EVENT_TYPES],
    description: 'The events of the RE_SET lifecycle',
    example: 'START_ANALYSIS',
  },
  ResetRecommendation: {
    type: 'string',
    enum: [...RESET_RECOMMENDATIONS],
    description: 'What the analysis recommends: give up, a quick exit, or a restart with coaching',
    example: 'restart_with_coaching',
  },
});

/** The request-body examples of the events route, one per event; Swagger UI shows the first. */
export const RESET_EVENT_BODY_EXAMPLES: Readonly<Record<ResetEventType, ExampleObject>> = frozen(
  Object.fromEntries(
    RESET_EVENT_TYPES.map((type) => [
      type,
      { summary: EVENTS[type].label.en, value: RESET_EVENT_EXAMPLES[type] },
    ]),
  ) as Record<ResetEventType, ExampleObject>,
);
