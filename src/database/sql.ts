import type { QueryResultRow } from 'pg';

/**
 * What a placeholder may carry. No `undefined` (pg would send it as NULL, hiding a missing field)
 * and no plain objects (pg would send an array as a PostgreSQL array, not JSON): a jsonb value
 * is given as JSON.stringify(...) and cast in the SQL (`${json}::jsonb`).
 */
export type SqlValue =
  string | number | bigint | boolean | Date | Buffer | null | readonly SqlValue[];

/** A statement with its values in order; `R` is the row it answers (for `prepared`). */
export interface Sql<R extends QueryResultRow = QueryResultRow> {
  readonly text: string;
  readonly values: SqlValue[];
  /** Type only: never set. */
  readonly row?: R;
}

/** One value used at several places of one statement: every use is the same $n. */
export class SqlParam {
  constructor(readonly value: SqlValue) {}
}

/** A value to place more than once in one statement (`const id = param(c.id)`). */
export function param(value: SqlValue): SqlParam {
  return new SqlParam(value);
}

/**
 * Named parameters for raw SQL: `sql\`UPDATE t SET a = ${a}, b = ${b}::jsonb WHERE id = ${id}\``
 * gives `$1, $2::jsonb, $3` and the values in that order. The text depends only on the template
 * (and on which SqlParam sits where), never on the values, so it is the same on every call and
 * works as a named prepared statement. A cast follows the placeholder as written.
 */
export function sql<R extends QueryResultRow = QueryResultRow>(
  strings: TemplateStringsArray,
  ...placed: (SqlValue | SqlParam)[]
): Sql<R> {
  const values: SqlValue[] = [];
  const numbers = new Map<SqlParam, number>();
  let text = strings[0];
  placed.forEach((value, i) => {
    let n: number;
    if (value instanceof SqlParam) {
      n = numbers.get(value) ?? values.push(value.value);
      numbers.set(value, n);
    } else {
      n = values.push(value);
    }
    if (values[n - 1] === undefined)
      throw new Error(`sql: the value of placeholder $${n} is undefined`);
    text += `$${n}${strings[i + 1]}`;
  });
  return { text, values };
}
