import fc from 'fast-check';
import { AppError } from '../errors/app-error';
import { isInstant } from '../time/iso-date';
import { decodeCursor, encodeCursor } from './cursor';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const refused = (cursor: string, shape: Parameters<typeof decodeCursor>[1]) => {
  expect(() => decodeCursor(cursor, shape)).toThrow(AppError);
};

describe('cursors', () => {
  it('decode what the list queries encode', () => {
    const key = ['2026-11-26T01:34:11.481234Z', '0b5f3c55-6f9e-4a53-9d4c-2f4f0d3b7a11'];
    expect(decodeCursor(encodeCursor(key), ['timestamp', 'uuid'])).toEqual(key);
    expect(
      decodeCursor(encodeCursor(['2026-11-26T02:34:11.48+01:00', key[1]]), ['timestamp', 'uuid']),
    ).not.toBeNull();
    expect(decodeCursor(encodeCursor([42]), ['id'])).toEqual([42]);
    expect(decodeCursor(undefined, ['id'])).toBeNull();
  });

  it('refuse keys the database could not cast (they were 500s)', () => {
    refused(b64('["garbage","0b5f3c55-6f9e-4a53-9d4c-2f4f0d3b7a11"]'), ['timestamp', 'uuid']);
    refused(b64('["2026-02-30T00:00:00.000000Z","0b5f3c55-6f9e-4a53-9d4c-2f4f0d3b7a11"]'), [
      'timestamp',
      'uuid',
    ]);
    refused(b64('["2026-01-01T00:00:00Z","not-a-uuid"]'), ['timestamp', 'uuid']);
    for (const id of ['[1e400]', '[1.5]', '[0]', '[-1]', '[9223372036854775808]', '["1"]'])
      refused(b64(id), ['id']);
    refused('!!!', ['id']);
  });
});

describe('isInstant', () => {
  it('takes dates and date-times with zone that PostgreSQL takes', () => {
    for (const v of [
      '2026-01-01',
      '0001-01-01',
      '2999-01-01T00:00:00Z',
      '2024-02-29T23:59:59.999999+14:00',
      '2026-01-01T08:30-05:30',
    ]) {
      expect({ v, ok: isInstant(v) }).toEqual({ v, ok: true });
    }
    for (const v of [
      '0000-01-01',
      '2025-02-29',
      '2025-02-30',
      '2026-01-01T24:00:00Z',
      '2026-01-01T00:00:60Z',
      '2026-01-01T00:00+15:00',
      '2026-01-01T00:00:00',
      '2026-01-01T00:00:00.1234567Z',
      'now',
    ]) {
      expect({ v, ok: isInstant(v) }).toEqual({ v, ok: false });
    }
  });

  it('takes every instant JavaScript writes between the years 1 and 9999', () => {
    const dates = fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        dates,
        (d) => isInstant(d.toISOString()) && isInstant(d.toISOString().slice(0, 10)),
      ),
      { seed: 20260114, numRuns: 200 },
    );
  });
});
