import { param, sql, SqlValue } from './sql';

describe('sql', () => {
  it('numbers the placeholders in order and keeps the values in that order', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const statement = sql`UPDATE t SET a = ${'x'}, b = ${42}, c = ${at} WHERE id = ${'id-1'}`;
    expect(statement.text).toBe('UPDATE t SET a = $1, b = $2, c = $3 WHERE id = $4');
    expect(statement.values).toEqual(['x', 42, at, 'id-1']);
  });

  it('keeps a cast written right after the placeholder', () => {
    const statement = sql`SELECT ${'{"a":1}'}::jsonb, ${null}::date, ${['a', 'b']}::uuid[]`;
    expect(statement.text).toBe('SELECT $1::jsonb, $2::date, $3::uuid[]');
    expect(statement.values).toEqual(['{"a":1}', null, ['a', 'b']]);
  });

  it('gives the same text for any values, so it can be a named prepared statement', () => {
    const build = (id: string, texts: string | null, changed: boolean) =>
      sql`UPDATE t SET x = CASE WHEN ${changed} THEN ${texts}::jsonb ELSE x END WHERE id = ${id}`;
    const one = build('a', null, false);
    const other = build('b', '{"note":"n"}', true);
    expect(one.text).toBe(other.text);
    expect(one.values).toEqual([false, null, 'a']);
    expect(other.values).toEqual([true, '{"note":"n"}', 'b']);
  });

  it('gives one value used twice through param() one placeholder', () => {
    const id = param('case-1');
    const texts = param(null);
    const statement = sql`INSERT INTO h SELECT ${id}, ${7}, ${texts}::jsonb WHERE ${texts}::jsonb IS NOT NULL AND ${id} <> ${'case-1'}`;
    expect(statement.text).toBe(
      'INSERT INTO h SELECT $1, $2, $3::jsonb WHERE $3::jsonb IS NOT NULL AND $1 <> $4',
    );
    expect(statement.values).toEqual(['case-1', 7, null, 'case-1']);
  });

  it('numbers two equal values apart unless they are one param', () => {
    expect(sql`${null} ${null}`.text).toBe('$1 $2');
  });

  it('handles a statement without values and one that starts or ends with a placeholder', () => {
    expect(sql`SELECT 1`).toEqual({ text: 'SELECT 1', values: [] });
    expect(sql`${1}`).toEqual({ text: '$1', values: [1] });
  });

  it('refuses undefined, which pg would silently send as NULL', () => {
    const missing = undefined as unknown as SqlValue;
    expect(() => sql`UPDATE t SET a = ${'x'}, b = ${missing}`).toThrow(
      'placeholder $2 is undefined',
    );
    expect(() => sql`SELECT ${param(missing)}`).toThrow('placeholder $1 is undefined');
  });
});
