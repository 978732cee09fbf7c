import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { ERROR_STATUS, ErrorCode } from '../../src/common/errors/error-codes';
import { ALL_MILESTONES, insertFounder, openCase, sendEvent } from './cases';
import type { TestApp } from './test-app';
import type { Persona, World } from './world';

/**
 * Property-based fuzzing of the HTTP API (fast-check). Every property runs with one fixed seed, so
 * CI sees the same inputs on every run; a failure prints the seed and the path of the shrunk
 * counterexample. `FUZZ_SEED=<n>` explores other inputs, `FUZZ_RUNS_FACTOR=<x>` scales numRuns
 * and the time budgets (e.g. 20 for a long local hunt).
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20260114);
const RUNS_FACTOR = Number(process.env.FUZZ_RUNS_FACTOR ?? 1);

/**
 * numRuns generated inputs from the fixed seed, within a time budget: on a slow or busy machine a
 * property stops early (after a prefix of the same inputs) instead of timing the suite out. The
 * budget is several times what the runs take on an idle 2-core machine, so normally all run.
 */
export function fuzzOptions(
  numRuns: number,
  budgetMs = 10_000,
): { seed: number; numRuns: number; interruptAfterTimeLimit: number } {
  return {
    seed: FUZZ_SEED,
    numRuns: Math.max(1, Math.round(numRuns * RUNS_FACTOR)),
    interruptAfterTimeLimit: Math.round(budgetMs * Math.max(1, RUNS_FACTOR)),
  };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Sending requests and judging answers
// ---------------------------------------------------------------------------------------------

export interface FuzzRequest {
  /** null: no credentials */
  persona: Persona | null;
  method: string;
  /** already URL-safe */
  path: string;
  /** already encoded, without "?" */
  query: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Sends over real HTTP (supertest) and keeps the raw answer text, whatever its content type. */
export async function send(t: TestApp, w: World, req: FuzzRequest): Promise<FuzzResponse> {
  const url = req.query ? `${req.path}?${req.query}` : req.path;
  const agent = t.http() as unknown as Record<string, (url: string) => import('supertest').Test>;
  let r = agent[req.method.toLowerCase()](url);
  if (req.persona) r = r.set(w.as(req.persona));
  for (const [name, value] of Object.entries(req.headers)) r = r.set(name, value);
  if (req.body !== undefined) r = r.send(req.body);
  try {
    const res = await r.buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer | string) => chunks.push(Buffer.from(c)));
      stream.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
    const text = typeof res.body === 'string' ? res.body : ''; // HEAD: no body, so no parse
    return { status: res.status, headers: res.headers, text };
  } catch (error) {
    // No complete answer at all (the server dropped the connection): status 0.
    if ((error as { status?: number }).status !== undefined) throw error;
    return { status: 0, headers: {}, text: `no answer: ${(error as Error).message}` };
  }
}

const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

export function describeRequest(req: FuzzRequest): string {
  const body =
    req.body === undefined
      ? '(none)'
      : Buffer.isBuffer(req.body)
        ? `<${req.body.length} bytes>`
        : JSON.stringify(clip(req.body));
  return `${req.persona ?? 'anonymous'} ${req.method} ${clip(req.path, 200)}${req.query ? `?${clip(req.query, 300)}` : ''}\n  headers ${JSON.stringify(req.headers)}\n  body ${body}`;
}

/**
 * The answer to anything a client can send: never a 5xx; every 4xx is application/problem+json
 * with a stable `code` and the same status in the body. Returns what is wrong, or null.
 */
export function answerViolation(req: FuzzRequest, res: FuzzResponse): string | null {
  if (res.status === 0) return res.text;
  if (res.status >= 500) return `answered ${res.status}: ${clip(res.text)}`;
  if (res.status < 400) return null;
  const type = res.headers['content-type'] ?? '';
  if (!/^application\/problem\+json/.test(type)) {
    return `answered ${res.status} with content-type "${type}": ${clip(res.text)}`;
  }
  if (req.method === 'HEAD') return null;
  let body: { code?: unknown; status?: unknown };
  try {
    body = JSON.parse(res.text);
  } catch {
    return `answered ${res.status} with a problem body that is not JSON: ${clip(res.text)}`;
  }
  if (typeof body.code !== 'string' || body.code === '')
    return `answered ${res.status} without a code: ${clip(res.text)}`;
  if (body.status !== res.status)
    return `answered ${res.status} but the problem says status ${String(body.status)}`;
  const documented = ERROR_STATUS[body.code as ErrorCode];
  if (documented !== res.status)
    return `answered ${res.status} with code ${body.code}, which stands for ${documented ?? 'no status'}`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// "A rejected request stores nothing": a digest of every table's rows before and after
// ---------------------------------------------------------------------------------------------

/** Tables that legitimately record attempts, including rejected ones. */
const LOG_TABLES = new Set(['access_log', 'auth_failure']);

export type Snapshot = Map<string, { rows: number; digest: string }>;

/**
 * Per table (listed from information_schema, so new tables are included without an edit here;
 * the logs of attempts excepted): the row count and the newest row version (max xmin). An INSERT
 * raises the count, a DELETE lowers it, an UPDATE writes a row version with a newer xmin; a
 * rolled-back change leaves both as they were. Cheaper than hashing every row, and as strict.
 */
export class TableSnapshots {
  private constructor(
    private readonly t: TestApp,
    private readonly sql: string,
    readonly tables: string[],
  ) {}

  static async create(t: TestApp): Promise<TableSnapshots> {
    const rows: { table_name: string }[] = await t.db.query(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const tables = rows.map((r) => r.table_name).filter((name) => !LOG_TABLES.has(name));
    const sql = tables
      .map(
        (name) =>
          `SELECT '${name}' AS name, count(*)::int AS rows, coalesce(max(xmin::text::bigint), 0)::text AS digest FROM "${name}"`,
      )
      .join(' UNION ALL ');
    return new TableSnapshots(t, sql, tables);
  }

  async take(): Promise<Snapshot> {
    const rows: { name: string; rows: number; digest: string }[] = await this.t.db.query(this.sql);
    return new Map(rows.map((r) => [r.name, { rows: r.rows, digest: r.digest }]));
  }

  /** The tables whose rows differ, e.g. ["founder: 3 -> 4 rows"]. */
  static changes(before: Snapshot, after: Snapshot): string[] {
    const out: string[] = [];
    for (const [name, a] of before) {
      const b = after.get(name);
      if (!b) continue;
      if (a.rows !== b.rows) out.push(`${name}: ${a.rows} -> ${b.rows} rows`);
      else if (a.digest !== b.digest) out.push(`${name}: rows updated`);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Generators of hostile input
// ---------------------------------------------------------------------------------------------

/** Characters Node's HTTP client accepts in a header value (visible ASCII, blank, obs-text). */
const headerChar = fc
  .oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  )
  .map((c) => String.fromCharCode(c));
export const headerValue = (maxLength = 40) => fc.string({ unit: headerChar, maxLength });

const surrogatesAndControls = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ufeff',
  '\u200b',
  '\u202eevil',
  '\r\n',
  '\u0007',
  '\uffff',
);

/** Strings that have broken parsers, encoders and databases before. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: surrogatesAndControls },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '   \t ',
      'Ayşe Yılmaz',
      'محمد',
      '👩🏽‍💻🇩🇪',
      "'; DROP TABLE founder; --",
      '%',
      '_',
      '\\',
      '%s%n%x',
      '${jndi:ldap://x}',
      '<script>alert(1)</script>',
      '../../etc/passwd',
      'null',
      'undefined',
      'true',
      '0',
      '-1',
      '1e309',
      'NaN',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'ü', '😀', ' ', 'ab'), fc.integer({ min: 200, max: 12_000 }))
      .map(([s, n]) => s.repeat(n)),
  },
);

/** Date-like strings that are not real dates (or are edge cases of real ones). */
export const badDate: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '2025-02-30',
    '2025-02-29',
    '2024-02-29',
    '2025-13-01',
    '2025-00-10',
    '2025-04-31',
    '0000-01-01',
    '0001-01-01',
    '0099-12-31',
    '1899-12-31',
    '1900-01-01',
    '2200-12-31',
    '2201-01-01',
    '9999-12-31',
    '10000-01-01',
    '2025-1-1',
    '20250101',
    '2025-01-01T00:00:00Z',
    '2025-01-01T25:61:61+25:00',
    ' 2025-01-01',
    '2025-01-01 ',
    '+2025-01-01',
    '-2025-01-01',
    '٢٠٢٥-٠١-٠١',
    '2025/01/01',
    '01.02.2025',
    '2025-01',
    '2025-W01',
    'today',
    '',
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 14 }),
      fc.integer({ min: 0, max: 33 }),
    )
    .map(
      ([y, m, d]) =>
        `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    ),
);

/** Timestamps for query filters, valid and not. */
export const badTimestamp: fc.Arbitrary<string> = fc.oneof(
  badDate,
  fc.constantFrom(
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.123456Z',
    '2026-01-01T00:00:00.1234567Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:59:60Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01T00:00+14:00',
    '2026-01-01T00:00+99:99',
    '2026-01-01T00:00:00',
    '275760-09-13T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '-000001-01-01T00:00:00Z',
    '1970-01-01T00:00:00Z',
    'infinity',
    '-infinity',
    'epoch',
    'now',
    'allballs',
  ),
);

/** Numbers where a range check or an integer conversion can slip. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    -1,
    -0.5,
    0,
    -0,
    0.001,
    0.5,
    1.5,
    5,
    6,
    7,
    99.99,
    100.05,
    1441,
    2200,
    2201,
    1e9,
    1e21,
    1e308,
    -1e308,
    5e-324,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_VALUE,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Euro amounts that are not valid (three decimals, exponents, negatives, locales) and edges. */
export const badMoney: fc.Arbitrary<Json> = fc.constantFrom(
  12.345,
  '12.345',
  0.001,
  '0.001',
  '1e3',
  1e21,
  1e-7,
  '1,50',
  ' 12.50 ',
  '12.50',
  12.5,
  '',
  '.5',
  '5.',
  '-0',
  -0,
  -0.01,
  '+5',
  '0x10',
  'Infinity',
  '10000000.00',
  '10000000.01',
  10000000.01,
  99999999999,
  '١٢',
  '12.5.3',
  '00012.50',
  '1_000',
  '9'.repeat(400),
  null,
  true,
  [12],
  { euros: 12 },
);

/** Raw bodies that are not valid JSON, or are JSON that parsers have tripped over. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '}',
    '{"a":',
    '{"a":1,}',
    '[1,]',
    "{'a':1}",
    '{a:1}',
    'nul',
    'NaN',
    'Infinity',
    '-',
    '"unterminated',
    '"\\ud800"',
    '{"a":"\\u0000"}',
    '{"a":1}{"b":2}',
    '\ufeff{}',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"a":1e999999}',
    '{"a":' + '9'.repeat(1000) + '}',
    '\u0000',
    'true',
    'null',
    '0',
    '"string"',
    '[]',
  ),
  fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
  fc.integer({ min: 100, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc
    .integer({ min: 100, max: 5_000 })
    .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
);

// ---------------------------------------------------------------------------------------------
// Mutations of valid bodies
// ---------------------------------------------------------------------------------------------

type Path = (string | number)[];

function nodes(value: Json, path: Path = []): { path: Path; value: Json }[] {
  const own = path.length > 0 ? [{ path, value }] : [];
  if (Array.isArray(value)) return [...own, ...value.flatMap((v, i) => nodes(v, [...path, i]))];
  if (value !== null && typeof value === 'object') {
    return [...own, ...Object.entries(value).flatMap(([k, v]) => nodes(v, [...path, k]))];
  }
  return own;
}

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value));

/** Sets (or, with `drop`, removes) the value at a path; own properties even for "__proto__". */
function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const copy = clone(root);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) {
    const next: Json | undefined =
      node !== null && typeof node === 'object'
        ? (node as Record<string, Json>)[key as string]
        : undefined;
    if (next === undefined || next === null || typeof next !== 'object') return copy;
    node = next;
  }
  if (node === null || typeof node !== 'object') return copy;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete (node as Record<string, Json>)[last as string];
  } else {
    Object.defineProperty(node, last, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

type Mutation = (value: Json) => Json;

const DATE_LIKE = /^\d{4}-\d{2}(-\d{2})?$/;
const MONEY_KEY = /Monthly$|^[ABC]\d+(_\d)?$/;

/**
 * Valid bodies made invalid in the ways clients get them wrong: a required field dropped, a wrong
 * type, an extra field, numbers out of range, impossible dates, three-decimal money, huge arrays,
 * hostile strings. Up to three mutations; none keeps the valid body (so some requests succeed).
 */
export function mutatedBody(valid: Json): fc.Arbitrary<Json> {
  const all = nodes(valid);
  const of = (keep: (n: { path: Path; value: Json }) => boolean) => {
    const found = all.filter(keep).map((n) => n.path);
    return found.length > 0 ? found : all.map((n) => n.path);
  };
  const pick = (paths: Path[]) =>
    paths.length > 0 ? fc.constantFrom(...paths) : fc.constant<Path>([]);
  const key = (p: Path) => String(p[p.length - 1]);
  const objects = [
    [] as Path,
    ...of((n) => n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value)),
  ];

  const mutations: fc.Arbitrary<Mutation>[] = [
    // a field dropped
    pick(all.map((n) => n.path)).map(
      (p): Mutation =>
        (v) =>
          setAt(v, p, undefined),
    ),
    // a wrong type anywhere
    fc
      .tuple(
        pick(all.map((n) => n.path)),
        fc.oneof(
          fc.constantFrom<Json>(null, true, false, 0, -1, '', 'x', [], {}, [null], '0', 'true'),
          fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
        ),
      )
      .map(
        ([p, x]): Mutation =>
          (v) =>
            setAt(v, p, x),
      ),
    // an extra field
    fc
      .tuple(
        fc.constantFrom(...objects),
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom(
            '__proto__',
            'constructor',
            'prototype',
            'toString',
            'hasOwnProperty',
            'id',
            'officeId',
            'version',
            'createdAt',
            'isAdmin',
            'admin',
            'state',
            'erasedAt',
          ),
        ),
        fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
      )
      .map(
        ([p, k, x]): Mutation =>
          (v) =>
            setAt(v, [...p, k], x),
      ),
    // numbers out of range
    fc.tuple(pick(of((n) => typeof n.value === 'number')), oddNumber).map(
      ([p, x]): Mutation =>
        (v) =>
          setAt(v, p, x),
    ),
    // impossible dates
    fc.tuple(pick(of((n) => typeof n.value === 'string' && DATE_LIKE.test(n.value))), badDate).map(
      ([p, x]): Mutation =>
        (v) =>
          setAt(v, p, x),
    ),
    // money with three decimals and friends
    fc.tuple(pick(of((n) => MONEY_KEY.test(key(n.path)))), badMoney).map(
      ([p, x]): Mutation =>
        (v) =>
          setAt(v, p, x),
    ),
    // huge arrays
    fc
      .tuple(
        pick(of((n) => Array.isArray(n.value))),
        fc.integer({ min: 51, max: 5_000 }),
        fc.constantFrom<Json>(null, 'x', 1, {}, 'DE', { month: '2025-01' }),
      )
      .map(
        ([p, n, x]): Mutation =>
          (v) =>
            setAt(v, p, new Array<Json>(n).fill(x)),
      ),
    // hostile strings
    fc.tuple(pick(of((n) => typeof n.value === 'string')), nastyString).map(
      ([p, x]): Mutation =>
        (v) =>
          setAt(v, p, x),
    ),
  ];
  return fc
    .array(fc.oneof(...mutations), { minLength: 0, maxLength: 3 })
    .map((ms) => ms.reduce((v, m) => m(v), clone(valid)));
}

// ---------------------------------------------------------------------------------------------
// Requests for one route
// ---------------------------------------------------------------------------------------------

export interface IdPool {
  founders: string[];
  cases: string[];
  analyses: string[];
  offices: string[];
  users: string[];
  apiKeys: string[];
  exports: string[];
}

/** The kind of record a path parameter names, from the segment before it. */
const PARAM_KINDS: [RegExp, keyof IdPool][] = [
  [/\/founders\/:id/, 'founders'],
  [/\/cases\/:id/, 'cases'],
  [/\/reset-analyses\/:id/, 'analyses'],
  [/\/offices\/:(id|officeId)/, 'offices'],
  [/\/users\/:id/, 'users'],
  [/\/api-keys\/:id/, 'apiKeys'],
  [/\/exports\/:id/, 'exports'],
];

/**
 * The value of path parameter `name` of route `url`: mostly a real id of the kind the route takes,
 * then real ids of other kinds, random UUIDs, and garbage.
 */
export function pathValue(url: string, name: string, pool: IdPool): fc.Arbitrary<string> {
  const kind = PARAM_KINDS.find(([pattern]) =>
    pattern.test(url.replace(/:(id|officeId)(?=\/|$)/g, (m) => (m === `:${name}` ? m : ':other'))),
  )?.[1];
  const own = kind ? pool[kind] : [];
  const real = Object.values(pool).flat();
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: fc.constantFrom(...real) },
    { weight: 2, arbitrary: fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8, 15] }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        real[0].toUpperCase(),
        real[0].replace(/-/g, ''),
        `%7B${real[0]}%7D`,
        `${real[0]}%20`,
        `${real[0]}x`,
        real[0].slice(0, -1),
      ),
    },
    { weight: 2, arbitrary: nastyString.map((s) => encodeURIComponent(wellFormed(s))) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.integer(), fc.double({ noNaN: true }))
        .map((n) => encodeURIComponent(String(n))),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '../',
        '../..',
        '..%2F..%2Fetc%2Fpasswd',
        '%2e%2e%2f',
        '%00',
        '%FF',
        '%C0%AF',
        '%E0%80%AF',
        '%',
        '%zz',
        '%2F',
        ';',
        ':id',
        '*',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 5_000 }).map((n) => 'a'.repeat(n)) },
  ];
  if (own.length > 0) options.push({ weight: 30, arbitrary: fc.constantFrom(...own) });
  if (name === 'periodStart') {
    options.push({ weight: 20, arbitrary: fc.constant('2025-01-01') });
    options.push({
      weight: 10,
      arbitrary: fc
        .oneof(
          badDate,
          fc.constantFrom('2025-01-01', '2025-07-01', '2024-01-01', '2026-01-01', '2019-01-01'),
        )
        .map(encodeURIComponent),
    });
  }
  return fc.oneof(...options);
}

/** Values of every query parameter any route knows, and then some. */
const KNOWN_QUERY_KEYS = [
  'limit',
  'cursor',
  'q',
  'phase',
  'status',
  'advisorId',
  'founderId',
  'officeId',
  'updatedSince',
  'from',
  'to',
  'resourceId',
  'userId',
  'verify',
  'allVersions',
  'state',
  'finalDeclarationDueBefore',
  'format',
  'dialect',
  'changedSince',
  'pseudonymize',
  'includeText',
  'exportId',
  'allowDuplicate',
];

/** Lone surrogates replaced (encodeURIComponent throws on them). */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Cursors: garbage, and well-formed JSON keys with contents the server never issued. */
export const badCursor: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => b64(JSON.stringify(v))) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.oneof(badTimestamp, fc.string()), fc.oneof(fc.uuid(), fc.string()))
      .map((k) => b64(JSON.stringify(k))),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '[1e400]',
        '[1.5]',
        '[-1]',
        '[9223372036854775808]',
        '[1e20]',
        '[0]',
        '[-1e400]',
        '["1"]',
        '[null]',
      )
      .map(b64),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '=', '====', '!!!', 'x'.repeat(501)) },
);

const QUERY_ENUMS: Record<string, string[]> = {
  phase: ['access', 'first_counselling', 'planning', 'launch', 'consolidation'],
  status: ['active', 'paused', 'closed'],
  state: ['intake', 'analysis', 'assessed', 'recommended', 'decided', 'cancelled'],
  format: ['csv', 'ndjson', 'xlsx'],
  dialect: ['rfc4180', 'excel-de'],
  verify: ['true', 'false'],
  allVersions: ['true', 'false'],
  pseudonymize: ['true', 'false'],
  includeText: ['true', 'false'],
  allowDuplicate: ['true', 'false'],
};
const ID_KEYS = new Set(['advisorId', 'founderId', 'officeId', 'userId', 'exportId']);
const TIME_KEYS = new Set([
  'updatedSince',
  'from',
  'to',
  'changedSince',
  'finalDeclarationDueBefore',
]);

/** Values that mostly pass the query DTO, so that the service behind it gets to see them. */
function queryValue(key: string, pool: IdPool): fc.Arbitrary<string> {
  const generic = fc.oneof(
    nastyString,
    fc.uuid(),
    fc.constantFrom(...pool.founders, ...pool.offices, ...pool.users),
  );
  if (key === 'limit') {
    return fc.oneof(
      fc.constantFrom(
        '-1',
        '0',
        '1',
        '2',
        '200',
        '201',
        '1e2',
        '0x10',
        '1.5',
        ' 5',
        'NaN',
        'Infinity',
        '',
        '9'.repeat(30),
      ),
      generic,
    );
  }
  if (key === 'cursor') return badCursor;
  if (TIME_KEYS.has(key))
    return fc.oneof({ weight: 6, arbitrary: badTimestamp }, { weight: 1, arbitrary: generic });
  if (ID_KEYS.has(key)) {
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...Object.values(pool).flat()) },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: generic },
    );
  }
  const values = Object.hasOwn(QUERY_ENUMS, key) ? QUERY_ENUMS[key] : undefined;
  if (values)
    return fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...values) },
      { weight: 1, arbitrary: generic },
    );
  return generic;
}

/**
 * A query string; `own` are the parameters the route declares (from the OpenAPI document), `plain`
 * the weight of no query at all (write routes mostly take none).
 */
export function queryArb(pool: IdPool, own: string[], plain = 1): fc.Arbitrary<string> {
  // Parameters that reach SQL casts (cursors, instants) count three times.
  const weighted = own.flatMap((k) => (k === 'cursor' || TIME_KEYS.has(k) ? [k, k, k] : [k]));
  const key = fc.oneof(
    {
      weight: own.length > 0 ? 24 : 0,
      arbitrary: own.length > 0 ? fc.constantFrom(...weighted) : fc.constant('limit'),
    },
    { weight: 2, arbitrary: fc.constantFrom(...KNOWN_QUERY_KEYS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'limit[]',
        'a[b]',
        '',
        'x',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  );
  const pair = key.chain((k) => queryValue(k, pool).map((v) => [k, v] as const));
  const encode = (s: string) => encodeURIComponent(wellFormed(s));
  return fc.oneof(
    { weight: plain, arbitrary: fc.constant('') },
    // One parameter at a time, so that one bad value is not hidden behind another's 400.
    { weight: 6, arbitrary: pair.map(([k, v]) => `${encode(k)}=${encode(v)}`) },
    {
      weight: 3,
      arbitrary: fc
        .array(pair, { minLength: 2, maxLength: 4 })
        .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '&&&',
        '=',
        'limit',
        'limit=1&limit=2',
        'a=%',
        '%FF=%FE',
        'cursor=%00',
        'q=%25',
        'limit=%2B1',
        '?' + '&'.repeat(500),
      ),
    },
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/problem+json',
  'application/merge-patch+json',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/csv',
  'application/x-ndjson',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
  '*/*',
  'json',
  ';',
];

/** An optional entry: present in one of `freq` requests. */
const sometimes = <T>(arb: fc.Arbitrary<T>, freq: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: freq - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/**
 * Headers clients send, valid and not. Credentials that replace the persona's (Authorization,
 * X-API-Key) come rarely, so most requests get past authentication.
 */
export const headersArb: fc.Arbitrary<Record<string, string>> = fc
  .tuple(
    sometimes(
      fc.oneof(
        headerValue(),
        fc.constantFrom(
          '*',
          '"1"',
          'W/"2"',
          '"3"',
          '1',
          '"999999999"',
          '"1234567890"',
          '"-1"',
          'W/',
          '"1", "2"',
          ' ',
        ),
      ),
      5,
    ),
    sometimes(
      fc.oneof(
        headerValue(),
        fc.integer({ min: 1, max: 200 }).map((n) => 'k'.repeat(n)),
        fc.integer({ min: 195, max: 2_000 }).map((n) => 'k'.repeat(n)),
        fc.constantFrom('', ' ', 'key 1', 'schlüssel', '\t'),
      ),
      5,
    ),
    sometimes(
      fc.oneof(
        headerValue(),
        fc.constantFrom('a'.repeat(128), 'a'.repeat(129), '../x', 'id\twith\ttabs'),
      ),
      4,
    ),
    sometimes(
      fc.constantFrom(
        'application/json',
        'text/csv',
        '*/*',
        'application/xml',
        'text/html;q=0.9',
        '',
      ),
      6,
    ),
    sometimes(
      fc.oneof(headerValue(), fc.constantFrom('10.0.0.1', '::1', '1.2.3.4, 5.6.7.8', 'unknown')),
      8,
    ),
    sometimes(fc.oneof(headerValue(), fc.constantFrom('lotse_', 'lotse_x', 'k'.repeat(201))), 60),
    sometimes(
      fc.oneof(
        headerValue(),
        fc.constantFrom('Bearer', 'Bearer a.b.c', 'Basic Zm9vOmJhcg==', 'bearer x'),
      ),
      60,
    ),
    sometimes(fc.constantFrom('https://app.run-mainz.example', 'null', 'http://evil.example'), 10),
  )
  .map(
    ([ifMatch, idempotencyKey, requestId, accept, forwardedFor, apiKey, authorization, origin]) => {
      const headers: Record<string, string | undefined> = {
        'If-Match': ifMatch,
        'Idempotency-Key': idempotencyKey,
        'X-Request-Id': requestId,
        Accept: accept,
        'X-Forwarded-For': forwardedFor,
        'X-API-Key': apiKey,
        Authorization: authorization,
        Origin: origin,
      };
      return Object.fromEntries(
        Object.entries(headers).filter(([, v]) => v !== undefined),
      ) as Record<string, string>;
    },
  );

export const contentTypeArb = fc.oneof(
  { weight: 20, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: headerValue(30) },
);

/** A body (raw) and its Content-Type; `valid` is a valid body of the route to mutate. */
export function bodyArb(
  valid: Json | undefined,
): fc.Arbitrary<{ body?: string | Buffer; contentType?: string }> {
  const asJson = (a: fc.Arbitrary<unknown>) =>
    a.map((v) => JSON.stringify(v) as string | undefined);
  const raw: fc.WeightedArbitrary<string | Buffer | undefined>[] = [
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.json() },
    { weight: 2, arbitrary: asJson(fc.anything()) },
    { weight: 2, arbitrary: asJson(fc.object()) },
    { weight: 2, arbitrary: malformedJson },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1_048_000, max: 1_100_000 })
        .map((n) => `{"a":"${'x'.repeat(n)}"}`),
    },
  ];
  if (valid !== undefined) {
    raw.push({ weight: 5, arbitrary: fc.constant(JSON.stringify(valid)) });
    raw.push({ weight: 20, arbitrary: asJson(mutatedBody(valid)) });
  }
  return fc
    .tuple(fc.oneof(...raw), fc.option(contentTypeArb, { nil: undefined, freq: 16 }))
    .map(([body, contentType]) => ({ body, contentType }));
}

// ---------------------------------------------------------------------------------------------
// The world the fuzzer works in, and the walk over every route
// ---------------------------------------------------------------------------------------------

export const RESET_BUSINESS = {
  description: 'Friseursalon mit zwei Stühlen',
  sector: 'personal_services',
  wzCode: '96.02.1',
  legalForm: 'sole_proprietorship',
  startedOn: '2023-03-01',
  mainOccupation: true,
  hoursPerWeek: 30,
  clientCount: 120,
  largestClientShare: 0.1,
  premises: 'rented',
  vatSmallBusiness: true,
  benefitsSinceOn: '2023-01-01',
};
export const RESET_HOUSEHOLD: { [key: string]: Json } = {
  members: [
    { role: 'self', standardRateLevel: 2 },
    { role: 'child', birthYear: 2016, standardRateLevel: 5 },
  ],
  extraNeedsMonthly: 0,
  housingCostsMonthly: 620.5,
  otherIncomeMonthly: '250.00',
};
export const SWOT = {
  strengths: ['Stammkundschaft'],
  weaknesses: ['Preise seit 2019 gleich'],
  opportunities: ['Neubaugebiet'],
  risks: ['Kette eröffnet'],
};
export const HALF_YEAR_2025 = {
  periodEnd: '2025-06-30',
  kind: 'provisional',
  finalDeclarationDueOn: '2025-08-31',
  months: [1, 2, 3, 4, 5, 6].map((m) => ({
    month: `2025-0${m}`,
    receipts: { A1: 3000, A5_1: '12.50' },
    expenses: { B1: 500, B3: 700.25 },
    deductions: { C3: 210 },
  })),
};

export interface FuzzWorld {
  pool: IdPool;
  /** a real export of office A, as CSV and NDJSON (for POST /exports/verify) */
  exportCsv: string;
  exportNdjson: string;
  snapshots: TableSnapshots;
  /** "GET /api/v1/cases/:id/history" → the query parameters the OpenAPI document lists */
  queryParams: Map<string, string[]>;
}

/** The query parameters of every operation, from the app's own OpenAPI document. */
async function queryParamsOf(t: TestApp): Promise<Map<string, string[]>> {
  const doc = (await t.http().get('/openapi.json').expect(200)).body as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  };
  const out = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      out.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, names);
    }
  }
  return out;
}

/**
 * Real records to aim at: founders, cases (one with history), RE_SET analyses (one with a period)
 * in both offices, a spare user of office A (the personas themselves are never a path id, so a
 * fuzzed PATCH cannot lock the fuzzer out), an API key and an export.
 */
export async function seedFuzzWorld(t: TestApp, w: World): Promise<FuzzWorld> {
  const foundersA = [
    await insertFounder(t, w.officeA),
    await insertFounder(t, w.officeA, { last_name: 'Öztürk' }),
  ];
  const founderB = await insertFounder(t, w.officeB);
  const caseA = await openCase(t, w, 'advisorA', foundersA[0]);
  await t
    .http()
    .patch(`/api/v1/cases/${caseA.id}`)
    .set(w.as('advisorA'))
    .send(ALL_MILESTONES)
    .expect(200);
  await sendEvent(t, w, 'advisorA', caseA.id, {
    type: 'START_COUNSELLING',
    note: 'Erstgespräch',
  }).expect(200);
  const caseA2 = await openCase(t, w, 'leadA', foundersA[1]);
  const caseB = await openCase(t, w, 'advisorB', founderB);
  const analysis = async (persona: Persona, founderId: string) =>
    (
      await t
        .http()
        .post('/api/v1/reset-analyses')
        .set(w.as(persona))
        .send({ founderId, business: RESET_BUSINESS, household: RESET_HOUSEHOLD })
        .expect(201)
    ).body.id as string;
  const analysisA = await analysis('advisorA', foundersA[1]);
  const analysisB = await analysis('advisorB', founderB);
  await t
    .http()
    .put(`/api/v1/reset-analyses/${analysisA}/periods/2025-01-01`)
    .set(w.as('advisorA'))
    .send(HALF_YEAR_2025)
    .expect(201);
  const [spare] = await t.db.query(
    `INSERT INTO app_user (email, name, password_hash) SELECT 'spare@lotse.test', 'Spare', password_hash FROM app_user LIMIT 1 RETURNING id`,
  );
  await t.db.query(`INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, 'advisor')`, [
    spare.id,
    w.officeA,
  ]);
  const key = await t
    .http()
    .post(`/api/v1/offices/${w.officeA}/api-keys`)
    .set(w.as('leadA'))
    .send({ name: 'Fuzz frontend', role: 'advisor' })
    .expect(201);
  const exportOf = (format: string) =>
    t
      .http()
      .get(`/api/v1/exports/phase-history?format=${format}`)
      .set(w.as('leadA'))
      .buffer(true)
      .parse((stream, done) => {
        let text = '';
        stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
        stream.on('end', () => done(null, text));
      });
  const csv = await exportOf('csv');
  const ndjson = await exportOf('ndjson');
  expect([csv.status, ndjson.status]).toEqual([200, 200]);
  return {
    pool: {
      founders: [...foundersA, founderB],
      cases: [caseA.id, caseA2.id, caseB.id],
      analyses: [analysisA, analysisB],
      offices: [w.officeA, w.officeB],
      users: [spare.id],
      apiKeys: [key.body.id],
      exports: [csv.headers['x-export-id'], ndjson.headers['x-export-id']].filter(Boolean),
    },
    exportCsv: csv.body as string,
    exportNdjson: ndjson.body as string,
    snapshots: await TableSnapshots.create(t),
    queryParams: await queryParamsOf(t),
  };
}

/** Byte-level damage to an export file: cut, insert, duplicate, swap lines. */
export function damagedText(text: string): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([at, n]) => (s: string) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + s.slice(i + n);
    }),
    fc.tuple(fc.nat(), nastyString).map(([at, x]) => (s: string) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + x + s.slice(i);
    }),
    fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (s: string) => {
      const lines = s.split('\n');
      const i = a % lines.length;
      const j = b % lines.length;
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }),
    fc.nat().map((a) => (s: string) => {
      const lines = s.split('\n');
      const i = a % lines.length;
      lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }),
    fc.nat().map((a) => (s: string) => s.slice(0, a % (s.length + 1))),
  );
  return fc.array(edit, { maxLength: 3 }).map((edits) => edits.reduce((s, e) => e(s), text));
}

export interface FuzzRoute {
  method: string;
  url: string;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const isWrite = (r: FuzzRoute) => WRITE_METHODS.has(r.method);

/** Every route the app registered, except the Swagger UI and the OpenAPI document. */
export function fuzzableRoutes(all: FuzzRoute[]): FuzzRoute[] {
  return all.filter((r) => !r.url.startsWith('/docs') && !r.url.startsWith('/openapi.'));
}

const personaArb: fc.Arbitrary<Persona | null> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Persona | null>('advisorA') },
  { weight: 5, arbitrary: fc.constant<Persona | null>('leadA') },
  { weight: 1, arbitrary: fc.constant<Persona | null>('admin') },
  { weight: 1, arbitrary: fc.constant<Persona | null>(null) },
);

export function requestArb(
  route: FuzzRoute,
  fw: FuzzWorld,
  body: fc.Arbitrary<{ body?: string | Buffer; contentType?: string }>,
): fc.Arbitrary<FuzzRequest> {
  const params = route.url.match(/:[A-Za-z]+/g) ?? [];
  const path =
    route.url === '*'
      ? fc.oneof(
          fc.constantFrom(
            '/api/v1/founders',
            '/api/v1/cases/x',
            '/health',
            '/nope',
            '/api/v1',
            '/',
          ),
          fc.webPath(),
        )
      : fc.tuple(...params.map((p) => pathValue(route.url, p.slice(1), fw.pool))).map((values) => {
          let i = 0;
          return route.url.replace(/:[A-Za-z]+/g, () => values[i++]);
        });
  const extraHeaders =
    route.method === 'OPTIONS'
      ? fc.record(
          {
            'Access-Control-Request-Method': fc.constantFrom(
              'GET',
              'POST',
              'PATCH',
              'DELETE',
              'TRACE',
              'x',
            ),
          },
          { requiredKeys: [] },
        )
      : fc.constant({});
  return fc
    .record({
      persona: personaArb,
      path,
      query: queryArb(
        fw.pool,
        fw.queryParams.get(`${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`) ?? [],
        isWrite(route) ? 12 : 2,
      ),
      headers: headersArb,
      extraHeaders,
      body,
    })
    .map(({ persona, path, query, headers, extraHeaders, body }) => ({
      persona,
      method: route.method,
      path: path.startsWith('/') ? path : `/${path}`,
      query,
      headers: {
        ...headers,
        ...extraHeaders,
        ...(body.contentType !== undefined ? { 'Content-Type': body.contentType } : {}),
      },
      body: body.body,
    }));
}

/**
 * Sends one request and checks the properties (throwing what is wrong): never a 5xx or no answer,
 * every 4xx a problem+json with its code; a rejected request changes no table (but the logs of
 * attempts), and neither does a read, whatever it answers.
 */
export async function checkRequest(
  t: TestApp,
  w: World,
  fw: FuzzWorld,
  req: FuzzRequest,
  writesOnSuccess: boolean,
): Promise<FuzzResponse> {
  // FUZZ_TRACE=<file>: the request about to be sent, for a crash that takes the process down.
  if (process.env.FUZZ_TRACE) {
    writeFileSync(
      process.env.FUZZ_TRACE,
      `${describeRequest(req)}\n${JSON.stringify(req).slice(0, 20_000)}`,
    );
  }
  const before = await fw.snapshots.take();
  const res = await send(t, w, req);
  const violation = answerViolation(req, res);
  if (violation) throw new Error(`${violation}\n  ${describeRequest(req)}`);
  if (res.status >= 400 || !writesOnSuccess) {
    const changes = TableSnapshots.changes(before, await fw.snapshots.take());
    if (changes.length > 0) {
      const what =
        res.status >= 400
          ? `rejected with ${res.status} (${clip(res.text, 200)})`
          : `a read answered ${res.status}`;
      throw new Error(`${what} but changed ${changes.join(', ')}\n  ${describeRequest(req)}`);
    }
  }
  return res;
}

/**
 * Fuzzes each route with `numRuns(route)` generated requests. The properties: the answer is never
 * a 5xx and every 4xx is a problem+json with a code; a rejected request changes no table (but the
 * logs of attempts); a read changes no table whatever it answers. Returns one report per failing
 * route (all routes are walked, so one run shows every failure).
 */
export async function walkRoutes(
  t: TestApp,
  w: World,
  fw: FuzzWorld,
  routes: FuzzRoute[],
  numRuns: (route: FuzzRoute) => number,
  bodyFor: (route: FuzzRoute) => fc.Arbitrary<{ body?: string | Buffer; contentType?: string }>,
): Promise<string[]> {
  const failures: string[] = [];
  const stats: string[] = [];
  for (const route of routes) {
    const statuses = new Map<string, number>();
    const started = Date.now();
    // An export records its manifest (what was handed out), so it writes on success like a write.
    const writesOnSuccess =
      isWrite(route) ||
      [
        '/api/v1/exports/phase-history',
        '/api/v1/exports/reset-history',
        '/api/v1/reports/esf-participants',
      ].includes(route.url);
    const property = fc.asyncProperty(requestArb(route, fw, bodyFor(route)), async (req) => {
      const res = await checkRequest(t, w, fw, req, writesOnSuccess);
      const bucket =
        res.status < 400
          ? String(res.status)
          : `${res.status} ${/"code":"([a-z_]+)"/.exec(res.text)?.[1] ?? ''}`;
      statuses.set(bucket, (statuses.get(bucket) ?? 0) + 1);
    });
    const details = await fc.check(property, fuzzOptions(numRuns(route), 3_000));
    stats.push(
      `${route.method} ${route.url} (${Date.now() - started} ms): ${[...statuses]
        .sort()
        .map(([k, n]) => `${k}×${n}`)
        .join(', ')}`,
    );
    if (details.interrupted) stats.push(`  (time budget reached after ${details.numRuns} runs)`);
    if (details.failed) {
      const error =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      failures.push(
        `${route.method} ${route.url}: failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)` +
          ` (replay: FUZZ_SEED=${details.seed}, path "${details.counterexamplePath}")\n  ${error}`,
      );
    }
  }
  // FUZZ_STATS=1 shows what the requests got as answers, to see how deep they reach.
  if (process.env.FUZZ_STATS) console.log(stats.join('\n'));
  return failures;
}
