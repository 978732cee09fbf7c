import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { branchName, jsonBodyOf, tagsOfBranches } from '../common/json-schema/event-union.fixture';
import { rulesOf } from '../common/json-schema/violations.fixture';
import { openApiDocumentWithoutDatabase } from '../openapi/document-app';
import { parseCaseEvent } from './case-event';
import {
  CASE_EVENT_BODY_EXAMPLES,
  CASE_EVENT_EXAMPLES,
  CASE_EVENT_SCHEMAS,
  EVENT_PAYLOAD_FIELDS,
} from './case-event.schema';
import { CASE_EVENT_TYPES, type CaseEventType } from './phase-model.types';

const nameOf = (type: CaseEventType): string => branchName(CASE_EVENT_SCHEMAS, 'CaseEvent', type);
const branchOf = (type: CaseEventType): SchemaObject => CASE_EVENT_SCHEMAS[nameOf(type)];

/** A valid body of each event with every field it takes set. */
const FULL: Record<CaseEventType, Record<string, unknown>> = Object.fromEntries(
  CASE_EVENT_TYPES.map((type) => [
    type,
    {
      ...CASE_EVENT_EXAMPLES[type],
      note: 'Notiz',
      ...(type === 'DROP_OUT' ? { reasonCode: 'moved', reason: 'Umzug nach Köln' } : {}),
    },
  ]),
) as never;

describe('the case event schemas', () => {
  it('are one schema per event, named after it, with the declared payload fields', () => {
    expect(CASE_EVENT_SCHEMAS.CaseEvent.oneOf).toHaveLength(CASE_EVENT_TYPES.length);
    expect(branchOf('DROP_OUT')).toBe(CASE_EVENT_SCHEMAS.DropOutEvent);
    expect(branchOf('COMPLETE')).toBe(CASE_EVENT_SCHEMAS.CompleteEvent);
    for (const type of CASE_EVENT_TYPES) {
      const schema = branchOf(type);
      expect(schema.additionalProperties).toBe(false);
      expect(Object.keys(schema.properties!)).toEqual([
        'type',
        ...EVENT_PAYLOAD_FIELDS[type].map((f) => f.name),
      ]);
      expect(schema.required).toEqual([
        'type',
        ...EVENT_PAYLOAD_FIELDS[type].filter((f) => f.required === true).map((f) => f.name),
      ]);
    }
  });

  it("has a discriminator mapping that is each branch's one-value type enum (Ajv derives it from those)", () => {
    const { discriminator } = CASE_EVENT_SCHEMAS.CaseEvent;
    expect(tagsOfBranches(CASE_EVENT_SCHEMAS, 'CaseEvent')).toEqual(discriminator!.mapping);
    expect(Object.keys(discriminator!.mapping!)).toEqual([...CASE_EVENT_TYPES]);
  });

  it('are frozen: the document and the parser share them, nobody changes them', () => {
    expect(Object.isFrozen(CASE_EVENT_SCHEMAS.CompleteEvent.properties!.followUpOn)).toBe(true);
  });
});

describe('parseCaseEvent against the schemas', () => {
  it.each(CASE_EVENT_TYPES)('accepts the example of %s, as it is', (type) => {
    expect(parseCaseEvent(CASE_EVENT_EXAMPLES[type])).toEqual({
      ok: true,
      event: CASE_EVENT_EXAMPLES[type],
    });
    expect(branchOf(type).example).toBe(CASE_EVENT_EXAMPLES[type]);
    expect(CASE_EVENT_BODY_EXAMPLES[type].value).toBe(CASE_EVENT_EXAMPLES[type]);
  });

  it('accepts the union example, which is what Swagger UI shows first', () => {
    expect(Object.keys(CASE_EVENT_BODY_EXAMPLES)[0]).toBe('START_COUNSELLING');
    expect(CASE_EVENT_BODY_EXAMPLES.START_COUNSELLING.value).toEqual({
      type: 'START_COUNSELLING',
      note: expect.any(String),
    });
    expect(parseCaseEvent(CASE_EVENT_SCHEMAS.CaseEvent.example)).toMatchObject({ ok: true });
  });

  describe.each(CASE_EVENT_TYPES)('%s', (type) => {
    const { refused, accepted } = rulesOf(CASE_EVENT_SCHEMAS, nameOf(type), FULL[type]);

    it('accepts the body with every field', () => {
      expect(parseCaseEvent(FULL[type])).toEqual({ ok: true, event: FULL[type] });
    });

    it.each(refused.map((c) => [c.what, c] as const))('refuses %s', (_, c) => {
      expect(parseCaseEvent(c.body)).toEqual({
        ok: false,
        errors: [{ field: c.field, message: expect.stringContaining(c.message) }],
      });
    });

    it.each(accepted.map((c) => [c.what, c] as const))('accepts %s', (_, c) => {
      // null is "not given": the event leaves the field out
      const expected = Object.fromEntries(Object.entries(c.body).filter(([, v]) => v !== null));
      expect(parseCaseEvent(c.body)).toEqual({ ok: true, event: expected });
    });
  });

  it('refuses DROP_OUT with reason code other but without a reason (the rule after the schema)', () => {
    for (const reason of [undefined, null]) {
      expect(parseCaseEvent({ type: 'DROP_OUT', reasonCode: 'other', reason })).toEqual({
        ok: false,
        errors: [{ field: 'reason', message: 'is required' }],
      });
    }
    // ...and reports it with the schema's errors, at once
    expect(parseCaseEvent({ type: 'DROP_OUT', reasonCode: 'other', extra: 1, note: '' })).toEqual({
      ok: false,
      errors: [
        { field: 'extra', message: 'is not allowed for DROP_OUT' },
        { field: 'note', message: 'must not be blank' },
        { field: 'reason', message: 'is required' },
      ],
    });
  });

  it('refuses a required field sent as null as missing', () => {
    expect(parseCaseEvent({ type: 'PAUSE', reason: null })).toEqual({
      ok: false,
      errors: [{ field: 'reason', message: 'is required' }],
    });
  });
});

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await openApiDocumentWithoutDatabase();
  }, 30_000);

  it('holds exactly the objects the parser validates with, as components', () => {
    for (const [name, schema] of Object.entries(CASE_EVENT_SCHEMAS)) {
      expect([name, document.components!.schemas![name]]).toEqual([name, schema]);
      expect(document.components!.schemas![name] === schema).toBe(true);
    }
  });

  it('takes a CaseEvent at POST /cases/:id/events, with one example per event, a valid one first', () => {
    const json = jsonBodyOf(document, '/api/v1/cases/{id}/events');
    expect(json.schema).toEqual({ $ref: '#/components/schemas/CaseEvent' });
    expect(Object.keys(json.examples)).toEqual([...CASE_EVENT_TYPES]);
    for (const [type, example] of Object.entries(json.examples)) {
      expect([type, parseCaseEvent(example.value).ok]).toEqual([type, true]);
    }
    expect(Object.values(json.examples)[0].value).toEqual(CASE_EVENT_EXAMPLES.START_COUNSELLING);
  });
});
