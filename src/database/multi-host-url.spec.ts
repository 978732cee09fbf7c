import { MalformedDatabaseUrlError, parseMultiHostUrl } from './multi-host-url';

describe('parseMultiHostUrl', () => {
  it('leaves a single-host URL to pg (null: no probing, as before)', () => {
    expect(parseMultiHostUrl('postgres://u:p@db.example:5432/lotse?sslmode=require')).toBeNull();
    expect(parseMultiHostUrl('postgres://localhost/lotse')).toBeNull();
  });

  it('splits a libpq host list into one URL per host, ports defaulting to 5432', () => {
    const parsed = parseMultiHostUrl(
      'postgresql://lotse:s%40cret@h1:5433,h2,[::1]:5435/lotse?target_session_attrs=read-write&sslmode=disable',
    );
    expect(parsed?.hosts).toEqual([
      { host: 'h1', port: 5433 },
      { host: 'h2', port: 5432 },
      { host: '[::1]', port: 5435 },
    ]);
    expect(parsed?.urls).toEqual([
      'postgresql://lotse:s%40cret@h1:5433/lotse?sslmode=disable',
      'postgresql://lotse:s%40cret@h2:5432/lotse?sslmode=disable',
      'postgresql://lotse:s%40cret@[::1]:5435/lotse?sslmode=disable',
    ]);
  });

  it('takes target_session_attrs any and primary, which can write', () => {
    expect(parseMultiHostUrl('postgres://h1,h2/db?target_session_attrs=any')?.urls).toEqual([
      'postgres://h1:5432/db',
      'postgres://h2:5432/db',
    ]);
    expect(parseMultiHostUrl('postgres://h1,h2/db?target_session_attrs=primary')).not.toBeNull();
  });

  it.each([
    ['postgres://u@h1:5433,/db', 'empty entry'],
    ['postgres://u@h1:5433,h2:0/db', 'port out of range'],
    ['postgres://u@h1:5433,h2:70000/db', 'port out of range'],
    ['postgres://u@h1:5433,h2:abc/db', 'not host[:port]'],
    ['postgres://u@h1,h2/db?target_session_attrs=read-only', 'use read-write'],
    ['postgres://u@h1,h2/db?target_session_attrs=standby', 'use read-write'],
    ['mysql://u@h1,h2/db', 'is not postgres://'],
  ])('refuses %s with a clear message (%s)', (raw, message) => {
    expect(() => parseMultiHostUrl(raw)).toThrow(MalformedDatabaseUrlError);
    expect(() => parseMultiHostUrl(raw)).toThrow(message);
  });

  it('names no password in its errors', () => {
    expect(() => parseMultiHostUrl('postgres://u:hunter2@h1,h2:x/db')).not.toThrow(/hunter2/);
    expect(() => parseMultiHostUrl('postgres://u:hunter2@h1,h2:x/db')).toThrow(
      MalformedDatabaseUrlError,
    );
  });
});
