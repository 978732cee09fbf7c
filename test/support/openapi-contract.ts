import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks every response of the e2e suites against the served OpenAPI document: an operation or a
 * status the document does not list, a content type it does not name, or a body its schema does
 * not accept is a violation. Violations are collected here and fail the running test in its
 * afterEach (test/support/contract-setup.ts).
 *
 * Object schemas are checked closed (additionalProperties: false unless the document says
 * otherwise), so a property the document does not mention fails too: a client generated from the
 * document would not know it.
 */

type Json = Record<string, unknown>;
export interface ObservedResponse {
  method: string;
  /** The route as Fastify registered it, e.g. /api/v1/cases/:id (undefined: no route matched) */
  route: string | undefined;
  status: number;
  contentType: string | undefined;
  /** The serialized body; undefined for a stream */
  body: string | undefined;
  /** The names of the response's headers (any case); the issue's headers among them must be documented */
  headers?: string[];
}

/** Response headers a client reads: a response that carries one must document it (issue 11). */
const CHECKED_HEADERS = ['etag', 'x-export-id', 'retry-after', 'x-request-id'];

/** Routes that are not operations of the API itself (Swagger UI, the document, CORS preflight). */
const NOT_OPERATIONS = [/^\/docs(\/|$)/, /^\/openapi\.(json|yaml)$/, /^\*$/];

/** A header of CHECKED_HEADERS that the response carries and its documented response does not list. */
function headerViolations(where: string, documented: Json, sent: string[] = []): string[] {
  const listed = Object.keys((documented.headers as Json | undefined) ?? {}).map((name) =>
    name.toLowerCase(),
  );
  return sent
    .map((name) => name.toLowerCase())
    .filter((name) => CHECKED_HEADERS.includes(name) && !listed.includes(name))
    .map((name) => `${where}: header ${name} is not documented`);
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** OpenAPI 3.1 schema (JSON Schema 2020-12) → what Ajv checks: refs into the document, closed objects. */
function normalize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalize);
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace(/^#\//, 'openapi#/');
    // Ajv derives the mapping from each branch's tag itself and refuses an explicit one.
    else if (key === 'discriminator' && isObject(value))
      out.discriminator = { propertyName: value.propertyName };
    else if (key === 'example' || key === 'examples') continue;
    else
      out[key] =
        key === 'properties' && isObject(value)
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]))
          : normalize(value);
  }
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !out.allOf &&
    !out.oneOf &&
    !out.anyOf
  ) {
    out.additionalProperties = false;
  }
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _nullable, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

export class OpenApiContract {
  private readonly ajv: Ajv2020;
  /** By the schema's JSON text */
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly operations: Array<{
    method: string;
    pattern: RegExp;
    path: string;
    operation: Json;
  }> = [];

  constructor(readonly document: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, discriminator: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', components: normalize(document.components) as Json });
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!isObject(operation)) continue;
        this.operations.push({
          method,
          path,
          operation,
          pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        });
      }
    }
  }

  /**
   * A response seen only from outside (a service started as its own process): its route is the
   * operation whose path template matches the URL's path, a static path before a templated one.
   */
  checkUrl(response: Omit<ObservedResponse, 'route'> & { path: string }): string[] {
    const method = response.method.toLowerCase();
    const candidates = this.operations.filter(
      (o) => o.method === method && o.pattern.test(response.path),
    );
    const found = candidates.find((o) => o.path === response.path) ?? candidates[0];
    const route = found
      ? found.path.replace(/\{([^}]+)\}/g, ':$1')
      : NOT_OPERATIONS.some((re) => re.test(response.path))
        ? response.path
        : undefined;
    return this.check({ ...response, route });
  }

  /** The violations of one response (empty when it is what the document says). */
  check(response: ObservedResponse): string[] {
    if (response.route === undefined) return []; // no route: the router's 404/405, not an operation
    const where = `${response.method} ${response.route} → ${response.status}`;
    if (NOT_OPERATIONS.some((re) => re.test(response.route!))) return [];
    const path = response.route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    // Fastify answers HEAD on every GET route: the GET's statuses and headers, without the body.
    const head = response.method === 'HEAD';
    const method = head ? 'get' : response.method.toLowerCase();
    const found = this.operations.find((o) => o.method === method && o.path === path);
    if (!found) return [`${where}: the document has no operation ${method.toUpperCase()} ${path}`];
    const responses = found.operation.responses as Record<string, Json>;
    const documented =
      responses[String(response.status)] ??
      responses[`${String(response.status)[0]}XX`] ??
      responses.default;
    if (!documented) {
      return [
        `${where}: status ${response.status} is not documented (documented: ${Object.keys(responses).join(', ')})`,
      ];
    }
    return [
      ...headerViolations(where, documented, response.headers),
      ...this.contentViolations(where, documented, response, head),
    ];
  }

  /** The content type and, for JSON, the body against the documented schema. */
  private contentViolations(
    where: string,
    documented: Json,
    response: ObservedResponse,
    head: boolean,
  ): string[] {
    const content = documented.content as Record<string, Json> | undefined;
    const type = response.contentType?.split(';')[0].trim().toLowerCase();
    if (head)
      return content && type && !content[type]
        ? [`${where}: content type ${type} is not documented`]
        : [];
    if (!content) {
      return response.body
        ? [`${where}: the document says no body, the response has ${type ?? 'one'}`]
        : [];
    }
    if (!type || !content[type]) {
      return [
        `${where}: content type ${type ?? '(none)'} is not documented (documented: ${Object.keys(content).join(', ')})`,
      ];
    }
    const schema = content[type].schema;
    if (!schema || response.body === undefined || !/json$/.test(type)) return [];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [`${where}: the ${type} body is not JSON`];
    }
    return this.schemaViolations(where, schema, body);
  }

  /**
   * The violations of a value against a schema of the document (refs into its components,
   * objects closed as above): also for what the service sends, e.g. a webhook's body and headers.
   */
  schemaViolations(where: string, schema: unknown, body: unknown): string[] {
    // One validator per distinct schema, not per operation: 311 of the 357 JSON answers are the
    // same { $ref: Problem }, compiled once instead of once per operation and status.
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(normalize(schema) as Json);
      this.validators.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${where}: body${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  }
}

const violations: string[] = [];
/** Records what a response broke of the contract (called from the test app's onSend hook). */
export function recordViolations(found: string[]): void {
  violations.push(...found);
}
/** The violations since the last call. */
export function takeViolations(): string[] {
  return violations.splice(0, violations.length);
}
