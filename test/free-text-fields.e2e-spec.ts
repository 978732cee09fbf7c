import { getMetadataStorage } from 'class-validator';
import {
  CaseDataDto,
  CreateContactDto,
  SuitabilityDto,
  UpdateCaseDto,
  ViabilityStatementDto,
} from '../src/cases/dto/case.dto';
import { CreateFollowUpDto } from '../src/follow-ups/dto/follow-up.dto';
import {
  ApiResource,
  FORMERLY_FREE_CODES,
  FREE_TEXT_FIELDS,
  NOT_FREE_TEXT,
} from '../src/privacy/free-text-fields';
import { AssessmentDto, BusinessDto } from '../src/reset/dto/analysis.dto';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The free-text list is complete: a new text, jsonb or array column, or a new free string field
 * of a request DTO, fails here until it is classified (free text that erasure removes and auditors
 * never read, or a code / non-personal value).
 */
describe('the free-text list covers the schema and the request DTOs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const onList = (table: string, column: string): boolean =>
    [...FREE_TEXT_FIELDS, ...FORMERLY_FREE_CODES].some(
      (f) => f.table === table && f.column === column,
    ) || (NOT_FREE_TEXT[table] ?? []).some((c) => c === '*' || c === column);

  it('classifies every text, varchar, jsonb and array column of the migrated schema', async () => {
    const columns: { table_name: string; column_name: string }[] = await t.db.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public'
          AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY', 'USER-DEFINED', 'bytea')
        ORDER BY table_name, ordinal_position`,
    );
    expect(columns.length).toBeGreaterThan(40);
    const unlisted = columns
      .filter((c) => !onList(c.table_name, c.column_name))
      .map((c) => `${c.table_name}.${c.column_name}`);
    expect(unlisted).toEqual([]);
  });

  it('names only columns that exist', async () => {
    const rows: { name: string }[] = await t.db.query(
      `SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = 'public'
       UNION SELECT table_name || '.*' FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const existing = new Set(rows.map((r) => r.name));
    const named = [
      ...[...FREE_TEXT_FIELDS, ...FORMERLY_FREE_CODES].map((f) => `${f.table}.${f.column}`),
      ...Object.entries(NOT_FREE_TEXT).flatMap(([table, cols]) => cols.map((c) => `${table}.${c}`)),
    ];
    expect(named.filter((n) => !existing.has(n))).toEqual([]);
  });

  // Where each request DTO's fields appear in the answers.
  const DTOS: [Function, ApiResource, string][] = [
    [CaseDataDto, 'case', ''],
    [UpdateCaseDto, 'case', ''],
    [SuitabilityDto, 'case', 'suitability.'],
    [ViabilityStatementDto, 'case', 'viabilityStatement.'],
    [CreateContactDto, 'contact', ''],
    [CreateFollowUpDto, 'follow_up', ''],
    [BusinessDto, 'reset_analysis', 'business.'],
    [AssessmentDto, 'reset_analysis', 'assessment.'],
  ];
  // A string checked by one of these is a code, an id or a date, not free text.
  const CODE_CHECKS = new Set([
    'matches',
    'isIn',
    'isUuid',
    'isEmail',
    'isCalendarDate',
    'isInstant',
    'isEuroAmount',
  ]);

  it.each(DTOS)('lists every free string field of %p', (dto, resource, prefix) => {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
    const checks = new Map<string, Set<string>>();
    for (const m of metadata) {
      checks.set(m.propertyName, (checks.get(m.propertyName) ?? new Set()).add(m.name ?? m.type));
    }
    const free = [...checks].filter(
      ([, names]) => names.has('isString') && ![...names].some((n) => CODE_CHECKS.has(n)),
    );
    expect(free.length).toBeGreaterThan(0);
    const listed = new Set(
      FREE_TEXT_FIELDS.flatMap((f) =>
        f.api.filter((a) => a.resource === resource).map((a) => a.path),
      ),
    );
    expect(free.map(([name]) => `${prefix}${name}`).filter((p) => !listed.has(p))).toEqual([]);
  });
});
