import { FORMERLY_FREE_CODES, FreeTextField, FREE_TEXT_FIELDS } from './free-text-fields';

const ident = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain column name: ${name}`);
  return `"${name}"`;
};
const jsonPath = (path: readonly string[]): string => `'{${path.join(',')}}'`;

/** Columns whose texts sit in arrays (`*` paths): erased in TypeScript (redactStored), not in SQL. */
export const columnsErasedInCode = (table: string): Set<string> =>
  new Set(
    FREE_TEXT_FIELDS.filter((f) => f.table === table && f.path.includes('*')).map((f) => f.column),
  );

function erased(f: FreeTextField, expr: string, placeholder: string): string {
  if (f.path.length === 0) {
    if (f.erase === 'null') return 'NULL';
    if (f.erase === 'placeholder') return placeholder;
    if (f.erase === 'empty_array') return `'{}'`;
  } else {
    if (f.erase === 'null') return `(${expr} #- ${jsonPath(f.path)})`;
    // create_if_missing false: a key that was never set stays absent.
    if (f.erase === 'placeholder')
      return `jsonb_set(${expr}, ${jsonPath(f.path)}, to_jsonb(${placeholder}::text), false)`;
  }
  throw new Error(`${f.table}.${f.column}: no SQL for erase ${f.erase}`);
}

// Former free texts that are configured target sectors now stay: they are codes.
function erasedUnlessSector(
  f: FreeTextField,
  expr: string,
  placeholder: string,
  column: string,
): string {
  const value = f.path.length === 0 ? column : `(${column} #>> ${jsonPath(f.path)})`;
  return `(CASE WHEN ${value} IS NULL OR ${value} IN (SELECT code FROM target_sector) THEN ${expr} ELSE ${erased(f, expr, placeholder)} END)`;
}

/**
 * `column = expression` assignments that erase every free text of the table kept in columns
 * (not in rows of their own, not in arrays). `placeholder` is the SQL parameter of ERASED.
 */
export function eraseAssignments(table: string, placeholder: string, alias?: string): string[] {
  const inCode = columnsErasedInCode(table);
  const byColumn = new Map<string, string>();
  const apply = (fields: readonly FreeTextField[], step: typeof erasedUnlessSector) => {
    for (const f of fields) {
      if (f.table !== table || f.erase === 'delete_row' || inCode.has(f.column)) continue;
      const column = `${alias ? `${alias}.` : ''}${ident(f.column)}`;
      byColumn.set(f.column, step(f, byColumn.get(f.column) ?? column, placeholder, column));
    }
  };
  apply(FREE_TEXT_FIELDS, erased);
  apply(FORMERLY_FREE_CODES, erasedUnlessSector);
  return [...byColumn].map(([column, expr]) => `${ident(column)} = ${expr}`);
}

/**
 * Deletes the ESF Plus voluntary answers (disability, minority, homelessness: GDPR Art. 9) of the
 * founder's cases ($1) in the scope's offices ($2), counting them. The entry record itself stays:
 * codes and derived flags, pseudonymous once the founder is erased, so the reported totals hold.
 */
export const ESF_VOLUNTARY_ERASE = `WITH d AS (
    DELETE FROM esf_voluntary v USING founder_case c
     WHERE v.case_id = c.id AND c.founder_id = $1 AND c.office_id = ANY($2::uuid[])
       AND v.office_id = ANY($2::uuid[]) RETURNING v.case_id)
  SELECT count(*)::int AS n FROM d`;
