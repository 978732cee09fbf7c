import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { SchemaObject } from '@nestjs/swagger';
import {
  WEBHOOK_EVENT_EXAMPLES,
  webhookEventSchemaName,
  webhookEventSchemas,
} from './webhook-event-schemas';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events';

// The schemas' property names and types are tied to WebhookEventData at compile time (a mapped
// type); this spec holds the rest: the typed examples are valid, the schemas are closed, and the
// code lists derived from the phase model are the ones worked out by hand here.

const schemas = webhookEventSchemas();
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addVocabulary(['example']);
addFormats(ajv);
const validators = Object.fromEntries(
  WEBHOOK_EVENT_TYPES.map((type) => [type, ajv.compile(schemas[type])]),
) as Record<WebhookEventType, ReturnType<typeof ajv.compile>>;

const clone = <T>(value: T): T => structuredClone(value);
const dataOf = (type: WebhookEventType) =>
  schemas[type].properties!.data as SchemaObject & { properties: Record<string, SchemaObject> };

describe('webhook event schemas', () => {
  it.each(WEBHOOK_EVENT_TYPES)('%s: the typed example is valid', (type) => {
    const validate = validators[type];
    expect({ valid: validate(WEBHOOK_EVENT_EXAMPLES[type]), errors: validate.errors }).toEqual({
      valid: true,
      errors: null,
    });
  });

  it.each(WEBHOOK_EVENT_TYPES)(
    '%s: data requires exactly the typed example\u2019s keys, and refuses any other',
    (type) => {
      const example = WEBHOOK_EVENT_EXAMPLES[type];
      expect([...dataOf(type).required!].sort()).toEqual(Object.keys(example.data).sort());
      expect(Object.keys(dataOf(type).properties).sort()).toEqual(Object.keys(example.data).sort());
      const extra = clone(example) as { data: Record<string, unknown> };
      extra.data.firstName = 'Zebulon';
      expect(validators[type](extra)).toBe(false);
      for (const key of Object.keys(example.data)) {
        const missing = clone(example) as { data: Record<string, unknown> };
        delete missing.data[key];
        expect({ key, valid: validators[type](missing) }).toEqual({ key, valid: false });
      }
      const outer = { ...clone(example), note: 'x' };
      expect(validators[type](outer)).toBe(false);
    },
  );

  it.each(WEBHOOK_EVENT_TYPES)('%s: the type is fixed and the timestamp a date-time', (type) => {
    const other = WEBHOOK_EVENT_TYPES.find((t) => t !== type)!;
    expect(validators[type]({ ...WEBHOOK_EVENT_EXAMPLES[type], type: other })).toBe(false);
    expect(validators[type]({ ...WEBHOOK_EVENT_EXAMPLES[type], timestamp: '2026-03-02' })).toBe(
      false,
    );
  });

  it('allows null exactly where the type does', () => {
    const nullable = Object.fromEntries(
      WEBHOOK_EVENT_TYPES.map((type) => [
        type,
        Object.entries(dataOf(type).properties)
          .filter(([, s]) => Array.isArray(s.type) && s.type.includes('null'))
          .map(([name]) => name),
      ]),
    );
    expect(nullable).toEqual({
      'case.created': [],
      'case.phase_changed': [],
      'case.closed': ['code'],
      'case.transferred': ['transferId'],
      'reset.decided': ['caseId'],
      'task.due': ['caseId', 'analysisId'],
      'export.completed': [],
    });
    const closed = clone(WEBHOOK_EVENT_EXAMPLES['case.closed']);
    expect(validators['case.closed']({ ...closed, data: { ...closed.data, code: null } })).toBe(
      true,
    );
    expect(validators['case.closed']({ ...closed, data: { ...closed.data, phase: null } })).toBe(
      false,
    );
  });

  it('lists the phase-changing and the closing events as the machine has them', () => {
    expect(dataOf('case.phase_changed').properties.event.enum).toEqual([
      'START_COUNSELLING',
      'START_PLANNING',
      'LAUNCH',
      'START_CONSOLIDATION',
      'STEP_BACK',
      'RESTART',
    ]);
    expect(dataOf('case.closed').properties.event.enum).toEqual(['COMPLETE', 'DROP_OUT']);
    // The outcome and reason codes once each ('employment' and 'other' are both), and null.
    expect(dataOf('case.closed').properties.code.enum).toHaveLength(11);
    expect(dataOf('export.completed').properties.kind.enum).toEqual([
      'phase-history',
      'reset-history',
      'esf-participants',
    ]);
  });

  it('refuses a code that is not in its list', () => {
    const e = WEBHOOK_EVENT_EXAMPLES;
    expect(
      validators['task.due']({ ...e['task.due'], data: { ...e['task.due'].data, kind: 'manual' } }),
    ).toBe(false);
    expect(
      validators['reset.decided']({
        ...e['reset.decided'],
        data: { ...e['reset.decided'].data, recommendation: 'maybe' },
      }),
    ).toBe(false);
    expect(
      validators['case.phase_changed']({
        ...e['case.phase_changed'],
        data: { ...e['case.phase_changed'].data, event: 'PAUSE' },
      }),
    ).toBe(false);
  });

  it('names one component per event type', () => {
    expect(WEBHOOK_EVENT_TYPES.map(webhookEventSchemaName)).toEqual([
      'WebhookEventCaseCreated',
      'WebhookEventCasePhaseChanged',
      'WebhookEventCaseClosed',
      'WebhookEventCaseTransferred',
      'WebhookEventResetDecided',
      'WebhookEventTaskDue',
      'WebhookEventExportCompleted',
    ]);
  });
});
