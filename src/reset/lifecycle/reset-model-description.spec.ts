import { parseResetEvent, RESET_EVENT_TYPES } from './reset-events';
import {
  RESET_EVENT_EXAMPLES,
  RESET_PAYLOAD_FIELDS,
  resetModelDescription,
} from './reset-model-description';

describe('the published RE_SET model', () => {
  const model = resetModelDescription();

  it('describes every state and event of the machine with labels in German and English', () => {
    expect(model.version).toBe(1);
    expect(model.states.map((s) => [s.code, s.final])).toEqual([
      ['intake', false],
      ['analysis', false],
      ['assessed', false],
      ['recommended', false],
      ['decided', true],
      ['cancelled', true],
    ]);
    expect(model.events.map((e) => e.type)).toEqual(RESET_EVENT_TYPES);
    for (const item of [...model.states, ...model.events, ...model.requirements]) {
      expect(item.label.de.length).toBeGreaterThan(0);
      expect(item.label.en.length).toBeGreaterThan(0);
    }
  });

  it('gives the transitions of the machine and the requirement of START_ANALYSIS', () => {
    const of = (type: string) => model.events.find((e) => e.type === type)!;
    expect(of('START_ANALYSIS')).toMatchObject({
      requirements: ['period_recorded'],
      transitions: [{ from: 'intake', to: 'analysis' }],
    });
    expect(of('ASSESS').transitions).toEqual([{ from: 'analysis', to: 'assessed' }]);
    expect(of('RECOMMEND').transitions).toEqual([{ from: 'assessed', to: 'recommended' }]);
    expect(of('DECIDE').transitions).toEqual([{ from: 'recommended', to: 'decided' }]);
    expect(of('CANCEL').transitions.map((t) => t.from)).toEqual([
      'intake',
      'analysis',
      'assessed',
      'recommended',
    ]);
    expect(model.requirements).toEqual([
      { code: 'period_recorded', event: 'START_ANALYSIS', label: expect.any(Object) },
    ]);
  });

  describe.each(RESET_EVENT_TYPES)('%s', (type) => {
    const example = RESET_EVENT_EXAMPLES[type] as unknown as Record<string, unknown>;
    const fields = RESET_PAYLOAD_FIELDS[type];

    it('has an example the parser accepts, with exactly the described fields', () => {
      expect(parseResetEvent(example)).toEqual({ ok: true, event: example });
      expect(
        Object.keys(example)
          .filter((k) => k !== 'type')
          .sort(),
      ).toEqual(fields.map((f) => f.name).sort());
    });

    it('is refused without each required field, and accepted without each optional one', () => {
      for (const field of fields) {
        const { [field.name]: _left, ...rest } = example;
        const result = parseResetEvent(rest);
        if (field.required)
          expect(result).toMatchObject({
            ok: false,
            errors: [expect.objectContaining({ field: field.name })],
          });
        else expect(result.ok).toBe(true);
      }
    });

    it('holds the published length limits of its texts', () => {
      for (const field of fields.filter((f) => f.kind === 'text')) {
        const at = (n: number) => parseResetEvent({ ...example, [field.name]: 'x'.repeat(n) }).ok;
        expect([at(field.maxLength!), at(field.maxLength! + 1)]).toEqual([true, false]);
      }
      for (const field of fields.filter((f) => f.kind === 'text_list')) {
        const at = (n: number) => parseResetEvent({ ...example, [field.name]: ['x'.repeat(n)] }).ok;
        expect([at(field.maxLength!), at(field.maxLength! + 1)]).toEqual([true, false]);
        const items = (n: number) =>
          parseResetEvent({ ...example, [field.name]: Array.from({ length: n }, () => 'x') }).ok;
        expect([
          items(field.minItems! - 1),
          items(field.maxItems!),
          items(field.maxItems! + 1),
        ]).toEqual([false, true, false]);
      }
      for (const field of fields.filter((f) => f.kind === 'measure_list')) {
        const measures = (n: number, title = 'x') =>
          parseResetEvent({
            ...example,
            [field.name]: Array.from({ length: n }, () => ({ title })),
          }).ok;
        expect([
          measures(field.minItems!),
          measures(field.maxItems!),
          measures(field.maxItems! + 1),
        ]).toEqual([true, true, false]);
        expect([
          measures(1, 'x'.repeat(field.maxLength!)),
          measures(1, 'x'.repeat(field.maxLength! + 1)),
        ]).toEqual([true, false]);
      }
      for (const field of fields.filter((f) => f.kind === 'enum')) {
        for (const value of field.values!) {
          expect(parseResetEvent({ ...example, [field.name]: value }).ok).toBe(true);
        }
        expect(parseResetEvent({ ...example, [field.name]: 'not_a_value' }).ok).toBe(false);
      }
    });
  });
});
