import { MAX_ATTEMPTS, nextAttemptAt, retryAfterMs } from './retry-schedule';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const after = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('retry schedule', () => {
  it('follows the Standard Webhooks schedule after each failed attempt', () => {
    const delays = [5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H];
    delays.forEach((delay, i) => {
      expect(nextAttemptAt(i + 1, NOW, null)?.toISOString()).toBe(after(delay));
    });
  });

  it('gives up after the tenth attempt', () => {
    expect(MAX_ATTEMPTS).toBe(10);
    expect(nextAttemptAt(10, NOW, null)).toBeNull();
    expect(nextAttemptAt(10, NOW, 60 * S)).toBeNull();
  });

  it('honours a Retry-After longer than the schedule, and not a shorter one', () => {
    expect(nextAttemptAt(1, NOW, 120 * S)?.toISOString()).toBe(after(120 * S));
    expect(nextAttemptAt(3, NOW, 120 * S)?.toISOString()).toBe(after(30 * MIN));
  });

  it('caps a Retry-After at 24 hours', () => {
    expect(nextAttemptAt(1, NOW, 72 * H)?.toISOString()).toBe(after(24 * H));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('120', NOW)).toBe(120 * S);
    expect(retryAfterMs(' 0 ', NOW)).toBe(0);
    expect(retryAfterMs('Mon, 02 Mar 2026 10:10:00 GMT', NOW)).toBe(10 * MIN);
    expect(retryAfterMs('Mon, 02 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores a missing or unreadable Retry-After', () => {
    expect(retryAfterMs(undefined, NOW)).toBeNull();
    expect(retryAfterMs(null, NOW)).toBeNull();
    expect(retryAfterMs('soon', NOW)).toBeNull();
    expect(retryAfterMs('-5', NOW)).toBeNull();
    expect(retryAfterMs('Mon, 99 Foo 2026', NOW)).toBeNull();
    expect(retryAfterMs('1.5', NOW)).toBeNull();
  });
});
