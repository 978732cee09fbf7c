import { isIsoDate, parseCaseEvent } from './case-event';

const errorsOf = (body: unknown) => {
  const result = parseCaseEvent(body);
  return result.ok ? [] : result.errors;
};
const long = (n: number) => 'x'.repeat(n);

describe('parseCaseEvent', () => {
  it.each([
    [{ type: 'START_COUNSELLING' }],
    [{ type: 'START_PLANNING', note: 'All documents in' }],
    [{ type: 'LAUNCH' }],
    [{ type: 'START_CONSOLIDATION' }],
    [{ type: 'COMPLETE', outcome: 'founded_side', followUpOn: '2024-02-29' }],
    [{ type: 'STEP_BACK', reason: 'Finance plan not viable' }],
    [{ type: 'DROP_OUT', reasonCode: 'moved' }],
    [{ type: 'DROP_OUT', reasonCode: 'illness', reason: 'Long illness' }],
    [{ type: 'DROP_OUT', reasonCode: 'other', reason: 'Emigrated' }],
    [{ type: 'PAUSE', reason: 'Parental leave', note: long(2000) }],
    [{ type: 'RESUME' }],
    [{ type: 'REOPEN', reason: 'Wants to try again' }],
  ])('accepts %j', (body) => {
    expect(parseCaseEvent(body)).toEqual({ ok: true, event: body });
  });

  it('drops optional fields sent as null', () => {
    expect(parseCaseEvent({ type: 'RESUME', note: null })).toEqual({
      ok: true,
      event: { type: 'RESUME' },
    });
  });

  it.each([[null], [[]], ['LAUNCH'], [42]])('refuses a body that is not an object: %j', (body) => {
    expect(errorsOf(body)).toEqual([{ field: '', message: 'body must be a JSON object' }]);
  });

  it.each([[{}], [{ type: 'FLY' }], [{ type: 'launch' }], [{ type: 7 }]])(
    'refuses a missing or unknown type: %j',
    (body) => {
      expect(errorsOf(body).map((e) => e.field)).toEqual(['type']);
    },
  );

  it.each([
    [{ type: 'LAUNCH', reason: 'x' }, 'reason'],
    [{ type: 'RESUME', foo: 1 }, 'foo'],
    [{ type: 'COMPLETE', outcome: 'other', followUpOn: '2025-11-01', phase: 'x' }, 'phase'],
    [{ type: 'STEP_BACK', reason: 'x', reasonCode: 'other' }, 'reasonCode'],
  ])('refuses an unknown field: %j', (body, field) => {
    expect(errorsOf(body)).toEqual([{ field, message: expect.stringContaining('not allowed') }]);
  });

  it.each([
    ['missing outcome', { followUpOn: '2025-11-01' }, 'outcome', 'is required'],
    ['bad outcome', { outcome: 'rich', followUpOn: '2025-11-01' }, 'outcome', 'must be one of'],
    ['missing date', { outcome: 'employment' }, 'followUpOn', 'is required'],
    [
      'impossible date',
      { outcome: 'employment', followUpOn: '2025-02-30' },
      'followUpOn',
      'valid date',
    ],
    [
      'not a leap year',
      { outcome: 'employment', followUpOn: '2025-02-29' },
      'followUpOn',
      'valid date',
    ],
    ['month 13', { outcome: 'employment', followUpOn: '2025-13-01' }, 'followUpOn', 'valid date'],
    ['short form', { outcome: 'employment', followUpOn: '2025-2-3' }, 'followUpOn', 'valid date'],
    [
      'date-time',
      { outcome: 'employment', followUpOn: '2025-11-01T00:00:00Z' },
      'followUpOn',
      'valid date',
    ],
    ['number', { outcome: 'employment', followUpOn: 20251101 }, 'followUpOn', 'valid date'],
  ])('COMPLETE: %s', (_, payload, field, message) => {
    expect(errorsOf({ type: 'COMPLETE', ...payload })).toEqual([
      { field, message: expect.stringContaining(message) },
    ]);
  });

  it.each(['STEP_BACK', 'PAUSE', 'REOPEN'])('%s: reason rules', (type) => {
    expect(errorsOf({ type })).toEqual([{ field: 'reason', message: 'is required' }]);
    expect(errorsOf({ type, reason: '  ' })).toEqual([
      { field: 'reason', message: 'must not be blank' },
    ]);
    expect(errorsOf({ type, reason: 5 })).toEqual([
      { field: 'reason', message: 'must be a string' },
    ]);
    expect(errorsOf({ type, reason: long(2001) })).toEqual([
      { field: 'reason', message: 'must be at most 2000 characters' },
    ]);
    expect(errorsOf({ type, reason: long(2000) })).toEqual([]);
  });

  it.each([
    ['missing reason code', {}, 'reasonCode', 'is required'],
    ['unknown reason code', { reasonCode: 'bored' }, 'reasonCode', 'must be one of'],
    ['other without text', { reasonCode: 'other' }, 'reason', 'is required'],
    ['other with blank text', { reasonCode: 'other', reason: ' ' }, 'reason', 'must not be blank'],
    ['reason too long', { reasonCode: 'moved', reason: long(2001) }, 'reason', 'at most 2000'],
  ])('DROP_OUT: %s', (_, payload, field, message) => {
    expect(errorsOf({ type: 'DROP_OUT', ...payload })).toEqual([
      { field, message: expect.stringContaining(message) },
    ]);
  });

  it.each(['START_COUNSELLING', 'LAUNCH', 'RESUME'])('%s: note rules', (type) => {
    expect(errorsOf({ type, note: long(2001) })).toEqual([
      { field: 'note', message: 'must be at most 2000 characters' },
    ]);
    expect(errorsOf({ type, note: ['x'] })).toEqual([
      { field: 'note', message: 'must be a string' },
    ]);
  });

  it('collects every error at once', () => {
    expect(errorsOf({ type: 'COMPLETE', outcome: 'x', extra: true }).map((e) => e.field)).toEqual([
      'extra',
      'outcome',
      'followUpOn',
    ]);
  });
});

describe('isIsoDate', () => {
  it.each(['2024-02-29', '2025-12-31', '2025-01-01'])('accepts %s', (value) => {
    expect(isIsoDate(value)).toBe(true);
  });
  it.each(['2025-02-30', '2025-04-31', '2025-00-10', '25-01-01', '', null])(
    'refuses %p',
    (value) => {
      expect(isIsoDate(value)).toBe(false);
    },
  );
});

describe('the DROP_OUT reason rule', () => {
  it('applies to DROP_OUT only: a stray reasonCode elsewhere is just not allowed', () => {
    const body = {
      type: 'COMPLETE',
      outcome: 'other',
      followUpOn: '2026-01-01',
      reasonCode: 'other',
    };
    expect(errorsOf(body)).toEqual([
      { field: 'reasonCode', message: 'is not allowed for COMPLETE' },
    ]);
  });
});
