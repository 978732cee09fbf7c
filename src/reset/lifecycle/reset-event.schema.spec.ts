import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import {
  branchName,
  jsonBodyOf,
  tagsOfBranches,
} from '../../common/json-schema/event-union.fixture';
import { rulesOf } from '../../common/json-schema/violations.fixture';
import { openApiDocumentWithoutDatabase } from '../../openapi/document-app';
import {
  RESET_EVENT_BODY_EXAMPLES,
  RESET_EVENT_EXAMPLES,
  RESET_EVENT_SCHEMAS,
  RESET_EVENT_TYPES,
  type ResetEventType,
} from './reset-event.schema';
import { parseResetEvent } from './reset-events';
import { RESET_PAYLOAD_FIELDS } from './reset-model-description';

const nameOf = (type: ResetEventType): string =>
  branchName(RESET_EVENT_SCHEMAS, 'ResetEvent', type);

/** A valid body of each event with every field it takes set. */
const FULL: Record<ResetEventType, object> = {
  ...RESET_EVENT_EXAMPLES,
  RECOMMEND: {
    ...RESET_EVENT_EXAMPLES.RECOMMEND,
    measures: [
      { title: 'Preise anheben', dueOn: '2026-09-01' },
      { title: 'Coaching', dueOn: null },
    ],
  },
};

describe('the RE_SET event schemas', () => {
  it('are one schema per event, named after it, with the fields GET /reset-analyses/model publishes', () => {
    expect(RESET_EVENT_TYPES.map(nameOf)).toEqual([
      'StartAnalysisEvent',
      'AssessEvent',
      'RecommendEvent',
      'DecideEvent',
      'CancelEvent',
    ]);
    for (const type of RESET_EVENT_TYPES) {
      const schema = RESET_EVENT_SCHEMAS[nameOf(type)];
      const fields = RESET_PAYLOAD_FIELDS[type];
      expect(schema.additionalProperties).toBe(false);
      expect(Object.keys(schema.properties!)).toEqual(['type', ...fields.map((f) => f.name)]);
      expect(schema.required).toEqual([
        'type',
        ...fields.filter((f) => f.required).map((f) => f.name),
      ]);
      for (const field of fields) {
        const property = schema.properties![field.name] as SchemaObject;
        const items = property.items as SchemaObject | undefined;
        const text =
          field.kind === 'text'
            ? property
            : field.kind === 'text_list'
              ? items
              : items?.properties?.title;
        expect([field.name, (text as SchemaObject | undefined)?.maxLength]).toEqual([
          field.name,
          field.maxLength,
        ]);
        expect([field.name, property.minItems, property.maxItems]).toEqual([
          field.name,
          field.minItems,
          field.maxItems,
        ]);
      }
    }
  });

  it("has a discriminator mapping that is each branch's one-value type enum (Ajv derives it from those)", () => {
    const { discriminator } = RESET_EVENT_SCHEMAS.ResetEvent;
    expect(tagsOfBranches(RESET_EVENT_SCHEMAS, 'ResetEvent')).toEqual(discriminator!.mapping);
  });
});

describe('parseResetEvent against the schemas', () => {
  it.each(RESET_EVENT_TYPES)('accepts the example of %s, as it is', (type) => {
    expect(parseResetEvent(RESET_EVENT_EXAMPLES[type])).toEqual({
      ok: true,
      event: RESET_EVENT_EXAMPLES[type],
    });
    expect(RESET_EVENT_SCHEMAS[nameOf(type)].example).toBe(RESET_EVENT_EXAMPLES[type]);
    expect(RESET_EVENT_BODY_EXAMPLES[type].value).toBe(RESET_EVENT_EXAMPLES[type]);
  });

  it('accepts the union example', () => {
    expect(parseResetEvent(RESET_EVENT_SCHEMAS.ResetEvent.example)).toMatchObject({ ok: true });
  });

  describe.each(RESET_EVENT_TYPES)('%s', (type) => {
    const { refused, accepted } = rulesOf(RESET_EVENT_SCHEMAS, nameOf(type), FULL[type]);

    it('accepts the body with every field', () => {
      expect(parseResetEvent(FULL[type])).toMatchObject({ ok: true, event: { type } });
    });

    it.each(refused.map((c) => [c.what, c] as const))('refuses %s', (_, c) => {
      expect(parseResetEvent(c.body)).toEqual({
        ok: false,
        errors: [{ field: c.field, message: expect.stringContaining(c.message) }],
      });
    });

    // START_ANALYSIS has no payload, so no limits to accept at
    if (accepted.length > 0) {
      it.each(accepted.map((c) => [c.what, c] as const))('accepts %s', (_, c) => {
        expect(parseResetEvent(c.body)).toMatchObject({ ok: true });
      });
    }
  });

  it('stores texts trimmed, a blank note as null and a missing due date as null', () => {
    expect(
      parseResetEvent({
        type: 'RECOMMEND',
        recommendation: 'quick_exit',
        measures: [{ title: ' Preise anheben ' }],
        rationale: '\tDie Nachfrage ist da.\n',
      }),
    ).toEqual({
      ok: true,
      event: {
        type: 'RECOMMEND',
        recommendation: 'quick_exit',
        measures: [{ title: 'Preise anheben', dueOn: null }],
        rationale: 'Die Nachfrage ist da.',
      },
    });
    for (const note of ['  ', null, undefined]) {
      expect(parseResetEvent({ type: 'DECIDE', accepted: false, note })).toEqual({
        ok: true,
        event: { type: 'DECIDE', accepted: false, note: null },
      });
    }
  });
});

describe('the OpenAPI document', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await openApiDocumentWithoutDatabase();
  }, 30_000);

  it('holds exactly the objects the parser validates with, as components', () => {
    for (const [name, schema] of Object.entries(RESET_EVENT_SCHEMAS)) {
      expect([name, document.components!.schemas![name]]).toEqual([name, schema]);
      expect(document.components!.schemas![name] === schema).toBe(true);
    }
  });

  it('takes a ResetEvent at POST /reset-analyses/:id/events, with one valid example per event', () => {
    const json = jsonBodyOf(document, '/api/v1/reset-analyses/{id}/events');
    expect(json.schema).toEqual({ $ref: '#/components/schemas/ResetEvent' });
    expect(Object.keys(json.examples)).toEqual([...RESET_EVENT_TYPES]);
    for (const [type, example] of Object.entries(json.examples)) {
      expect([type, parseResetEvent(example.value).ok]).toEqual([type, true]);
    }
  });
});
