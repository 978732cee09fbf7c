import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS, type ErrorCode } from '../src/common/errors/error-codes';
import { serializeDocument } from '../src/openapi/document-app';
import { OpenApiContract, type ObservedResponse } from './support/openapi-contract';
import { startTestApp, TestApp } from './support/test-app';

const COMMITTED = join(__dirname, '..', 'openapi.json');
type Json = Record<string, any>;

describe('the OpenAPI document', () => {
  let t: TestApp;
  let served: Json;
  beforeAll(async () => {
    t = await startTestApp();
    served = (await t.http().get('/openapi.json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('is the committed openapi.json, byte for byte (npm run openapi rewrites it)', () => {
    const committed = readFileSync(COMMITTED, 'utf8');
    expect(serializeDocument(served as never)).toBe(committed);
  });

  it('documents every operation with a summary, a 2xx answer and problem+json errors', () => {
    for (const [path, item] of Object.entries(served.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect([where, typeof operation.summary]).toEqual([where, 'string']);
        const statuses = Object.keys(operation.responses);
        expect([where, statuses.some((s) => /^2/.test(s))]).toEqual([where, true]);
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          const content = operation.responses[status].content;
          expect([where, status, Object.keys(content)]).toEqual([
            where,
            status,
            ['application/problem+json'],
          ]);
          expect(content['application/problem+json'].schema).toEqual({
            $ref: '#/components/schemas/Problem',
          });
        }
      }
    }
  });

  const operations = (): Array<[string, Json]> =>
    Object.entries(served.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, operation]): [string, Json] => [
        `${method.toUpperCase()} ${path}`,
        operation,
      ]),
    );

  it('groups every operation under one described tag', () => {
    const described = (served.tags as Json[])
      .filter((tag) => tag.description)
      .map((tag) => tag.name);
    const ungrouped = operations().filter(
      ([, operation]) => !(operation.tags?.length === 1 && described.includes(operation.tags[0])),
    );
    expect(
      ungrouped.map(([where, operation]) => `${where}: ${JSON.stringify(operation.tags)}`),
    ).toEqual([]);
  });

  it('lists under each error status its codes, each with its own example (Swagger UI shows them by name)', () => {
    const wrong: string[] = [];
    for (const [where, operation] of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Json).filter(
        ([s]) => Number(s) >= 400,
      )) {
        const examples = (response as Json).content['application/problem+json'].examples ?? {};
        const codes = Object.keys(examples) as ErrorCode[];
        if (codes.length === 0) wrong.push(`${where} ${status}: no code`);
        for (const code of codes) {
          const example = served.components.examples[`problem_${code}`]?.value;
          if (ERROR_STATUS[code] !== Number(status))
            wrong.push(`${where} ${status}: ${code} is answered with ${ERROR_STATUS[code]}`);
          if (
            examples[code].$ref !== `#/components/examples/problem_${code}` ||
            example?.code !== code ||
            example?.status !== Number(status)
          ) {
            wrong.push(`${where} ${status}: the example of ${code}`);
          }
          if (!(response as Json).description.includes(`\`${code}\``))
            wrong.push(`${where} ${status}: ${code} not in the description`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(served.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_STATUS));
  });

  it('documents If-Match and Idempotency-Key on exactly the routes that answer their errors', () => {
    const withHeader = (name: string) =>
      operations()
        .filter(([, operation]) =>
          (operation.parameters as Json[]).some((p) => p.in === 'header' && p.name === name),
        )
        .map(([where]) => where);
    const answering = (status: string, code: ErrorCode) =>
      operations()
        .filter(
          ([, operation]) =>
            operation.responses[status]?.content['application/problem+json'].examples[code],
        )
        .map(([where]) => where);
    expect(withHeader('If-Match')).toEqual(answering('412', 'version_conflict'));
    expect(withHeader('If-Match').length).toBeGreaterThan(0);
    expect(withHeader('Idempotency-Key')).toEqual(answering('422', 'idempotency_key_reused'));
    expect(withHeader('Idempotency-Key').length).toBeGreaterThan(0);
  });

  it('says security: [] on exactly the public routes', () => {
    const open = Object.entries(served.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(
          ([, operation]) => Array.isArray(operation.security) && operation.security.length === 0,
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(open.sort()).toEqual(['GET /health', 'GET /health/ready', 'POST /api/v1/auth/token']);
  });

  it('is OpenAPI 3.1: null is a type, and no property is an untyped object (string | null came out as one)', () => {
    expect(served.openapi).toBe('3.1.0');
    const untyped: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Json;
      if ('nullable' in schema) untyped.push(`${at} (nullable is OpenAPI 3.0)`);
      if (
        schema.type === 'object' &&
        !schema.properties &&
        !schema.additionalProperties &&
        !schema.oneOf
      )
        untyped.push(at);
      for (const [key, value] of Object.entries(schema)) walk(value, `${at}/${key}`);
    };
    walk(served.components.schemas, '#/components/schemas');
    walk(served.paths, '#/paths');
    expect(untyped).toEqual([]);
  });
});

/** The checker that every e2e test runs on each response: it must catch what it is there for. */
describe('the response contract check', () => {
  let t: TestApp;
  let served: Json;
  let health: ObservedResponse;
  beforeAll(async () => {
    t = await startTestApp();
    served = (await t.http().get('/openapi.json').expect(200)).body;
    const res = await t.http().get('/health').expect(200);
    health = {
      method: 'GET',
      route: '/health',
      status: 200,
      contentType: res.headers['content-type'],
      body: res.text,
      headers: Object.keys(res.headers),
    };
  });
  afterAll(() => t.close());

  const withHealthSchema = (schema: Json | undefined): OpenApiContract => {
    const document = structuredClone(served);
    const ok = document.paths['/health'].get.responses['200'];
    if (schema) ok.content['application/json'].schema = schema;
    else delete document.paths['/health'].get.responses['200'];
    return new OpenApiContract(document);
  };

  it('accepts the real answer against the real document', () => {
    expect(new OpenApiContract(served).check(health)).toEqual([]);
  });

  it('fails a body that a deliberately wrong schema does not accept', () => {
    const wrong = withHealthSchema({
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'integer' } },
    });
    expect(wrong.check(health)).toEqual([
      expect.stringContaining('GET /health → 200: body/status must be integer'),
    ]);
  });

  it('fails a property the document does not name (objects are closed)', () => {
    const closed = withHealthSchema({ type: 'object', properties: {} });
    expect(closed.check(health)).toEqual([
      expect.stringContaining('must NOT have additional properties (status)'),
    ]);
  });

  it('fails an ETag, X-Export-Id, Retry-After or X-Request-Id the response does not document', () => {
    expect(health.headers).toContain('x-request-id');
    const contract = new OpenApiContract(served);
    expect(
      contract.check({ ...health, headers: [...health.headers!, 'ETag', 'x-frame-options'] }),
    ).toEqual([expect.stringContaining('GET /health → 200: header etag is not documented')]);
    const bare = structuredClone(served);
    delete bare.paths['/health'].get.responses['200'].headers;
    expect(new OpenApiContract(bare).check(health)).toEqual([
      expect.stringContaining('header x-request-id is not documented'),
    ]);
  });

  it('fails an undocumented status, content type or operation', () => {
    expect(withHealthSchema(undefined).check(health)).toEqual([
      expect.stringContaining('status 200 is not documented'),
    ]);
    const contract = new OpenApiContract(served);
    expect(contract.check({ ...health, contentType: 'text/html' })).toEqual([
      expect.stringContaining('content type text/html is not documented'),
    ]);
    expect(contract.check({ ...health, route: '/health/nothing' })).toEqual([
      expect.stringContaining('the document has no operation GET /health/nothing'),
    ]);
  });
});
