import { AppError } from '../errors/app-error';
import { ifMatchHolds, parseIfMatch } from './if-match';

describe('If-Match', () => {
  const holds = (header: string | undefined, current: number) =>
    ifMatchHolds(parseIfMatch(header), current);

  it('holds without a header and for *', () => {
    expect(holds(undefined, 7)).toBe(true);
    expect(holds('*', 7)).toBe(true);
    expect(holds(' * ', 7)).toBe(true);
  });

  it('compares strongly: the current version matches, an old one does not', () => {
    expect(holds('"7"', 7)).toBe(true);
    expect(holds('"6"', 7)).toBe(false);
    expect(holds('"6", "7"', 7)).toBe(true);
    expect(holds('7', 7)).toBe(true);
  });

  it('never matches a weak validator (RFC 9110 §13.1.1)', () => {
    expect(holds('W/"7"', 7)).toBe(false);
    expect(holds('W/"7", "6"', 7)).toBe(false);
    expect(parseIfMatch('W/"7"')).toEqual({ versions: [] });
  });

  it('never matches a tag that is not ours', () => {
    expect(holds('"abc"', 7)).toBe(false);
    expect(holds('""', 7)).toBe(false);
  });

  it.each(['', 'abc', '"7', '7"', 'W/7', '"7",', '*, "7"', 'w/"7"'])(
    'answers 400 for %p',
    (header) => {
      expect(() => parseIfMatch(header)).toThrow(AppError);
    },
  );
});
