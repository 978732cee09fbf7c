import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ClonedDatabase, cloneTemplate } from './support/cloned-database';

/**
 * Every row interface marked `@table <name>` is the table exactly, checked against the migrated
 * schema: the same column names, `T | null` iff the column is nullable, and a TypeScript type that
 * pg can hand over for the column's type (with this service's parsers: dates stay strings). A
 * SELECT's extra columns (joins, aliases) live in an interface extending the table row, unmarked.
 */

const ROOT = join(__dirname, '..');

/** The row interfaces the issue named (and every other table the service reads rows of). */
const EXPECTED_TABLES = [
  'access_log',
  'api_key',
  'app_user',
  'case_contact',
  'case_history',
  'case_history_text',
  'founder',
  'founder_case',
  'office',
  'reset_analysis',
  'reset_history',
  'reset_history_text',
  'target_sector',
];

type Kind = 'string' | 'number' | 'boolean' | 'json' | 'Date' | 'string[]';

/** What pg (with data-source.ts's parsers) answers for each column type. */
const KIND_OF_UDT: Record<string, Kind> = {
  uuid: 'string',
  text: 'string',
  varchar: 'string',
  int2: 'number',
  int4: 'number',
  int8: 'string', // bigint: pg answers a string, a number could lose digits
  bool: 'boolean',
  jsonb: 'json',
  json: 'json',
  timestamptz: 'Date',
  date: 'string', // types.setTypeParser(DATE): 'YYYY-MM-DD'
  _text: 'string[]',
  _uuid: 'string[]',
  _date: 'string[]',
};

interface Column {
  table_name: string;
  column_name: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
}

interface TableRow {
  name: string;
  table: string;
  file: string;
  properties: Property[];
}

interface Property {
  name: string;
  optional: boolean;
  nullable: boolean;
  /** A Kind, or the type as written when none fits. */
  kind: string;
  /** The values of a string literal union, sorted; null for any other type. */
  literals: string[] | null;
}

/** A column's `CHECK (col = ANY (ARRAY['a'::text, …]))`: the values it may hold, sorted. */
type Allowed = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function kindOf(checker: ts.TypeChecker, type: ts.Type): string {
  const parts = type.isUnion() ? type.types : [type];
  const every = (flag: ts.TypeFlags) => parts.every((t) => (t.flags & flag) !== 0);
  if (every(ts.TypeFlags.StringLike)) return 'string';
  if (every(ts.TypeFlags.NumberLike)) return 'number';
  if (every(ts.TypeFlags.BooleanLike)) return 'boolean';
  if (parts.length === 1 && type.getSymbol()?.getName() === 'Date') return 'Date';
  if (parts.length === 1 && checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as ts.TypeReference);
    if (kindOf(checker, element) === 'string') return 'string[]';
  }
  // Anything else that is an object (records, arrays, interfaces): what a jsonb column holds.
  if (
    parts.every((t) => (t.flags & ts.TypeFlags.Object) !== 0 && t.getSymbol()?.getName() !== 'Date')
  )
    return 'json';
  return checker.typeToString(type);
}

function literalsOf(type: ts.Type): string[] | null {
  const parts = type.isUnion() ? type.types : [type];
  const literals = parts.filter((t) => t.isStringLiteral());
  return literals.length === parts.length ? literals.map((t) => t.value).sort() : null;
}

/** The interfaces marked `@table`, read with the compiler (inherited properties included). */
function tableRows(): TableRow[] {
  const files = sourceFiles(join(ROOT, 'src')).filter((f) =>
    readFileSync(f, 'utf8').includes('@table'),
  );
  const program = ts.createProgram(files, {
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    experimentalDecorators: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const rows: TableRow[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file)!;
    source.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === 'table');
      if (!tag) return;
      const table = String(ts.getTextOfJSDocComment(tag.comment) ?? '').trim();
      const type = checker.getTypeAtLocation(node.name);
      rows.push({
        name: node.name.text,
        table,
        file: relative(ROOT, file),
        properties: checker.getPropertiesOfType(type).map((p) => {
          const propertyType = checker.getTypeOfSymbol(p);
          const parts = propertyType.isUnion() ? propertyType.types : [propertyType];
          return {
            name: p.getName(),
            optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
            nullable: parts.some((t) => (t.flags & ts.TypeFlags.Null) !== 0),
            kind: kindOf(checker, checker.getNonNullableType(propertyType)),
            literals: literalsOf(checker.getNonNullableType(propertyType)),
          };
        }),
      });
    });
  }
  return rows;
}

/** Every difference between one row interface and its table, as a readable line. */
function differences(row: TableRow, columns: Column[], allowed: Allowed = new Map()): string[] {
  const where = `${row.name} (${row.file}) @table ${row.table}`;
  if (columns.length === 0) return [`${where}: no such table`];
  const problems: string[] = [];
  const properties = new Map(row.properties.map((p) => [p.name, p]));
  for (const column of columns) {
    const p = properties.get(column.column_name);
    if (!p) {
      problems.push(`${where}: column ${column.column_name} is missing`);
      continue;
    }
    const nullable = column.is_nullable === 'YES';
    if (p.optional) problems.push(`${where}: ${p.name} is optional; a row always has every column`);
    if (p.nullable !== nullable)
      problems.push(
        `${where}: ${p.name} is ${nullable ? 'nullable: add | null' : 'NOT NULL: drop | null'}`,
      );
    const expected = KIND_OF_UDT[column.udt_name] ?? `(no mapping for ${column.udt_name})`;
    if (p.kind !== expected)
      problems.push(
        `${where}: ${p.name} is ${p.kind}, the column (${column.udt_name}) gives ${expected}`,
      );
    const values = allowed.get(`${row.table}.${p.name}`);
    if (values && values.join('|') !== p.literals?.join('|')) {
      problems.push(
        `${where}: ${p.name} is ${p.literals?.join(' | ') ?? p.kind}, the CHECK allows ${values.map((v) => `'${v}'`).join(' | ')}`,
      );
    }
  }
  const names = new Set(columns.map((c) => c.column_name));
  for (const p of row.properties)
    if (!names.has(p.name)) problems.push(`${where}: ${p.name} is no column of the table`);
  return problems;
}

describe('row interfaces against the migrated schema', () => {
  let database: ClonedDatabase;
  let columns: Column[];
  let rows: TableRow[];
  const allowed: Allowed = new Map();

  beforeAll(async () => {
    database = await cloneTemplate(1);
    columns = await database.dataSource.query(
      `SELECT table_name, column_name, udt_name, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    const checks: { table: string; definition: string }[] = await database.dataSource.query(
      `SELECT conrelid::regclass::text AS table, pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE contype = 'c' AND connamespace = 'public'::regnamespace AND cardinality(conkey) = 1`,
    );
    for (const { table, definition } of checks) {
      const match = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$/.exec(definition);
      if (match)
        allowed.set(
          `${table}.${match[1]}`,
          [...match[2].matchAll(/'([^']*)'::text/g)].map((m) => m[1]).sort(),
        );
    }
    rows = tableRows();
  }, 120_000);
  afterAll(() => database.drop());

  it('finds a marked row interface for every table the service reads rows of', () => {
    expect([...new Set(rows.map((r) => r.table))].sort()).toEqual(
      expect.arrayContaining(EXPECTED_TABLES),
    );
    expect(rows.length).toBeGreaterThanOrEqual(EXPECTED_TABLES.length);
  });

  it('gives each marked interface exactly its table’s columns, nullability and types', () => {
    expect(allowed.get('founder_case.phase')).toEqual([
      'access',
      'consolidation',
      'first_counselling',
      'launch',
      'planning',
    ]);
    const problems = rows.flatMap((row) =>
      differences(
        row,
        columns.filter((c) => c.table_name === row.table),
        allowed,
      ),
    );
    expect(problems).toEqual([]);
  });

  it('sees a wrong row type (the check itself can fail)', () => {
    const caseColumns = columns.filter((c) => c.table_name === 'founder_case');
    // A row exactly as the schema says, then broken in one way per line below.
    const exact: TableRow = {
      name: 'Exact',
      table: 'founder_case',
      file: 'test',
      properties: caseColumns.map((c) => ({
        name: c.column_name,
        optional: false,
        nullable: c.is_nullable === 'YES',
        kind: KIND_OF_UDT[c.udt_name],
        literals: allowed.get(`founder_case.${c.column_name}`) ?? null,
      })),
    };
    expect(differences(exact, caseColumns, allowed)).toEqual([]);
    const broken: TableRow = {
      ...exact,
      properties: exact.properties
        .filter((p) => p.name !== 'sector')
        .map((p) => {
          if (p.name === 'advisor_id') return { ...p, nullable: false };
          if (p.name === 'version') return { ...p, kind: 'string' };
          if (p.name === 'status') return { ...p, literals: null };
          if (p.name === 'coaching') return { ...p, optional: true };
          return p;
        })
        .concat({
          name: 'office_code',
          optional: false,
          nullable: false,
          kind: 'string',
          literals: null,
        }),
    };
    expect(differences(broken, caseColumns, allowed)).toEqual([
      expect.stringContaining('advisor_id is nullable: add | null'),
      expect.stringContaining("status is string, the CHECK allows 'active' | 'closed' | 'paused'"),
      expect.stringContaining('version is string, the column (int4) gives number'),
      expect.stringContaining('column sector is missing'),
      expect.stringContaining('coaching is optional'),
      expect.stringContaining('office_code is no column of the table'),
    ]);
  });
});
