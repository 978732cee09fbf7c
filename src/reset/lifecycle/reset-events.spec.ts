import { parseResetEvent } from './reset-events';

const swot = {
  strengths: ['  good craft  '],
  weaknesses: ['no bookkeeping'],
  opportunities: ['wedding season'],
  risks: ['rent increase'],
};
const recommend = {
  type: 'RECOMMEND',
  recommendation: 'restart_with_coaching',
  measures: [{ title: 'new business plan', dueOn: '2026-05-31' }, { title: 'coaching' }],
  rationale: 'Demand exists, pricing does not.',
};

describe('parseResetEvent: valid bodies', () => {
  it('parses each event type and normalises its payload', () => {
    expect(parseResetEvent({ type: 'START_ANALYSIS' })).toEqual({
      ok: true,
      event: { type: 'START_ANALYSIS' },
    });
    expect(parseResetEvent({ type: 'ASSESS', ...swot })).toEqual({
      ok: true,
      event: { type: 'ASSESS', ...swot, strengths: ['good craft'] }, // trimmed
    });
    expect(parseResetEvent(recommend)).toEqual({
      ok: true,
      event: {
        ...recommend,
        measures: [
          { title: 'new business plan', dueOn: '2026-05-31' },
          { title: 'coaching', dueOn: null },
        ],
      },
    });
    expect(parseResetEvent({ type: 'DECIDE', accepted: false })).toEqual({
      ok: true,
      event: { type: 'DECIDE', accepted: false, note: null },
    });
    expect(parseResetEvent({ type: 'DECIDE', accepted: true, note: ' agreed ' })).toEqual({
      ok: true,
      event: { type: 'DECIDE', accepted: true, note: 'agreed' },
    });
    expect(parseResetEvent({ type: 'CANCEL', reason: 'illness' })).toEqual({
      ok: true,
      event: { type: 'CANCEL', reason: 'illness' },
    });
  });

  it('accepts empty measures, 50 items and 500 characters', () => {
    expect(parseResetEvent({ ...recommend, measures: [] }).ok).toBe(true);
    const full = Array.from({ length: 50 }, () => 'x'.repeat(500));
    expect(parseResetEvent({ type: 'ASSESS', ...swot, risks: full }).ok).toBe(true);
  });
});

describe('parseResetEvent: errors', () => {
  it.each<[string, unknown, { field: string; message: string }[]]>([
    ['a non-object', 'START', [{ field: '', message: 'must be an object' }]],
    ['an array', [], [{ field: '', message: 'must be an object' }]],
    ['null', null, [{ field: '', message: 'must be an object' }]],
    [
      'a missing type',
      {},
      [
        {
          field: 'type',
          message: 'must be one of: START_ANALYSIS, ASSESS, RECOMMEND, DECIDE, CANCEL',
        },
      ],
    ],
    [
      'an unknown type',
      { type: 'REOPEN' },
      [
        {
          field: 'type',
          message: 'must be one of: START_ANALYSIS, ASSESS, RECOMMEND, DECIDE, CANCEL',
        },
      ],
    ],
    [
      'an unknown field',
      { type: 'START_ANALYSIS', force: true },
      [{ field: 'force', message: 'is not allowed for START_ANALYSIS' }],
    ],
    [
      'a missing list',
      { type: 'ASSESS', ...swot, risks: undefined },
      [{ field: 'risks', message: 'is required' }],
    ],
    [
      'an empty list',
      { type: 'ASSESS', ...swot, strengths: [] },
      [{ field: 'strengths', message: 'must have at least 1 item' }],
    ],
    [
      'too many items',
      { type: 'ASSESS', ...swot, risks: Array(51).fill('x') },
      [{ field: 'risks', message: 'must have at most 50 items' }],
    ],
    [
      'a blank item',
      { type: 'ASSESS', ...swot, weaknesses: ['ok', '   '] },
      [{ field: 'weaknesses[1]', message: 'must not be blank' }],
    ],
    [
      'a non-string item',
      { type: 'ASSESS', ...swot, opportunities: [3] },
      [{ field: 'opportunities[0]', message: 'must be a string' }],
    ],
    [
      'an item over 500 characters',
      { type: 'ASSESS', ...swot, strengths: ['x'.repeat(501)] },
      [{ field: 'strengths[0]', message: 'must be at most 500 characters' }],
    ],
    [
      'an unknown recommendation',
      { ...recommend, recommendation: 'carry_on' },
      [
        {
          field: 'recommendation',
          message: 'must be one of: give_up, quick_exit, restart_with_coaching',
        },
      ],
    ],
    [
      'measures not a list',
      { ...recommend, measures: 'coaching' },
      [{ field: 'measures', message: 'must be an array' }],
    ],
    [
      'a measure not an object',
      { ...recommend, measures: ['coaching'] },
      [{ field: 'measures[0]', message: 'must be an object' }],
    ],
    [
      'a blank measure title',
      { ...recommend, measures: [{ title: ' ' }] },
      [{ field: 'measures[0].title', message: 'must not be blank' }],
    ],
    [
      'an impossible due date',
      { ...recommend, measures: [{ title: 'x', dueOn: '2026-02-30' }] },
      [{ field: 'measures[0].dueOn', message: 'must be a valid date (YYYY-MM-DD)' }],
    ],
    [
      'an unknown measure field',
      { ...recommend, measures: [{ title: 'x', owner: 'me' }] },
      [{ field: 'measures[0].owner', message: 'is not allowed' }],
    ],
    [
      'a blank rationale',
      { ...recommend, rationale: '' },
      [{ field: 'rationale', message: 'must not be blank' }],
    ],
    [
      'a non-boolean decision',
      { type: 'DECIDE', accepted: 'yes' },
      [{ field: 'accepted', message: 'must be a boolean' }],
    ],
    [
      'a non-string note',
      { type: 'DECIDE', accepted: true, note: 5 },
      [{ field: 'note', message: 'must be a string' }],
    ],
    [
      'a note over 5000 characters',
      { type: 'DECIDE', accepted: true, note: 'x'.repeat(5001) },
      [{ field: 'note', message: 'must be at most 5000 characters' }],
    ],
    ['a missing reason', { type: 'CANCEL' }, [{ field: 'reason', message: 'is required' }]],
    [
      'a blank reason',
      { type: 'CANCEL', reason: ' \n ' },
      [{ field: 'reason', message: 'must not be blank' }],
    ],
  ])('rejects %s', (_, body, errors) => {
    expect(parseResetEvent(body)).toEqual({ ok: false, errors });
  });

  it('collects all errors of one body', () => {
    const result = parseResetEvent({ type: 'RECOMMEND', recommendation: 'x', extra: 1 });
    expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual([
      'extra',
      'recommendation',
      'measures',
      'rationale',
    ]);
  });
});
