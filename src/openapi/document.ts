import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type ExampleObject,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode, titleFor } from '../common/errors/error-codes';
import { PROBLEM_CONTENT_TYPE } from '../common/errors/problem';
import { ERRORS_EXTENSION } from './api-errors.decorator';
import { extraSchemas } from './extra-schemas';
import { toOpenApi31Schemas } from './openapi-31';
import { RESPONSE_HEADERS } from './headers';
import { ProblemSchema } from './problem.schema';
import { webhooksDocument } from './webhooks';

const TAGS: Record<string, string> = {
  health: 'Liveness and readiness, for load balancers and orchestrators (no credentials)',
  auth: 'Sign-in with email and password, and who the caller is',
  offices: 'Counselling offices and their API keys',
  users: 'Staff accounts and their memberships (role per office)',
  founders: 'The people counselled: identity, profile (Kennung), consent',
  cases: 'Cases along the 4+1 phase model: data, events with stage gates, history, contacts',
  reset:
    'RE_SET as-is analyses of self-employed people on benefits: EKS periods, indicators, lifecycle',
  exports: 'Signed, verifiable exports of the histories for auditors',
  privacy: 'Data subjects\u2019 rights: access (Art. 15) and erasure (Art. 17 GDPR)',
  'access-log': 'Who read or changed which record (social data access log)',
  tasks:
    'The advisor\u2019s desk: deadlines derived from the cases, manual tasks (Wiedervorlage), the calendar feed',
  'follow-ups':
    'The person\u2019s situation after exit (ESF result categories), in the case history',
  transfers:
    'Hand-over of a case between offices: requested by the sender, decided by the receiver',
  oidc: 'Single sign-on: which groups of the OpenID Connect provider give which office roles',
  reports:
    'What the offices achieved: aggregates from the history (no names, no free text, no ids of people) as JSON, CSV, XLSX or an SVG chart, and the ESF Plus participant data',
  webhooks:
    'Signed webhooks (Standard Webhooks) to an office\u2019s own systems: endpoints, secrets, delivery log, and the events sent (see webhooks)',
};

/** A caller may name its request (1–128 of A-Z a-z 0-9 . _ : -) to join logs across services. */
const REQUEST_ID_PARAMETER: ParameterObject = {
  name: 'X-Request-Id',
  in: 'header',
  required: false,
  description:
    'Your id for this request, echoed in the answer and in problem+json (another value is replaced by a new id)',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/**
 * The OpenAPI document of the service: generated from the controllers and their schema classes,
 * then finished here with what every operation shares (the error responses each kind of route can
 * give, the request id header, the public routes' empty security). `npm run openapi` writes it to
 * openapi.json; a test fails when the served document and that file differ.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Lotse API')
    .setDescription(
      'Case management for start-up advisors along the 4+1 phase model: founders, cases with stage ' +
        'gates, RE_SET analyses and verifiable auditor exports.\n\n' +
        'Every error is `application/problem+json` (RFC 9457) with a stable `code`; each operation lists ' +
        'the codes it can answer. Authenticate with a bearer token from `POST /api/v1/auth/token` or an ' +
        'office API key in `X-API-Key`.',
    )
    .setVersion('1')
    .setLicense('Proprietary', 'https://www.gnu.org/licenses/license-list.html#NonFreeSoftware')
    .addServer('/', 'The Lotse instance that serves this document')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A token from POST /api/v1/auth/token',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'An office API key (lotse_…)',
      },
      'apiKey',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'query',
        name: 'token',
        description:
          'A calendar feed token (lotse_feed_…): opens GET /api/v1/tasks.ics and nothing else',
      },
      'feedToken',
    );
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ProblemSchema],
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '').replace(/^./, (c) => c.toLowerCase())}${method.replace(/^./, (c) => c.toUpperCase())}`,
  });
  return finishDocument(document);
}

/** The error codes every operation of its kind can answer, besides its own (@ApiErrors). */
function commonErrors(operation: OperationObject, method: (typeof METHODS)[number]): ErrorCode[] {
  const codes: ErrorCode[] = ['internal_error', 'database_unavailable'];
  const secured = (operation.security ?? []).length > 0;
  // The last two: a single sign-on token of an unlinkable account, or while the provider is unreachable.
  if (secured)
    codes.push(
      'unauthenticated',
      'ambiguous_credentials',
      'oidc_account_conflict',
      'identity_provider_unavailable',
    );
  // Routes open to any authenticated caller are never refused for a role.
  const roles = (operation as unknown as Record<string, unknown>)['x-required-roles'];
  if (secured && !(Array.isArray(roles) && roles.includes('any'))) codes.push('forbidden');
  if (
    (operation.parameters ?? []).some((p) => 'in' in p && (p.in === 'path' || p.in === 'query'))
  ) {
    codes.push('validation_failed');
  }
  if (operation.requestBody) codes.push('validation_failed');
  // Fastify reads a body sent with any of these methods, whether the route wants one or not.
  if (operation.requestBody || method !== 'get')
    codes.push('malformed_body', 'payload_too_large', 'unsupported_media_type');
  return codes;
}

/** The extension members a code carries, as an example shows them. */
const EXAMPLE_MEMBERS: Partial<Record<ErrorCode, Record<string, unknown>>> = {
  validation_failed: { errors: [{ field: 'email', message: 'email must be an email' }] },
  invalid_event: { errors: [{ field: 'reasonCode', message: 'is required' }] },
  transition_not_allowed: { allowedEvents: ['START_PLANNING', 'STEP_BACK', 'DROP_OUT', 'PAUSE'] },
  requirements_unmet: {
    unmet: [{ code: 'business_plan_complete', message: 'The business plan is not completed yet.' }],
  },
  version_conflict: { currentVersion: 4 },
  too_many_attempts: { retryAfterSeconds: 60 },
};

/**
 * One example per code, so Swagger UI shows each error as it is answered (not one mixed body).
 * Declared once under components.examples (a code always has the same status) and referenced.
 */
function problemExample(code: ErrorCode): ExampleObject {
  return {
    summary: code,
    value: {
      type: `urn:lotse:problem:${code}`,
      title: titleFor(code),
      status: ERROR_STATUS[code],
      detail: `${titleFor(code)}.`,
      code,
      instance: '/api/v1/cases/0b8f4c7e-2f9d-4e55-9a53-6f1d2a3b4c5d',
      requestId: '9f3c2a71-5b0e-4d8e-a6f1-2c7b9d0e4a13',
      ...EXAMPLE_MEMBERS[code],
    },
  };
}
const exampleRef = (code: ErrorCode) => ({ $ref: `#/components/examples/problem_${code}` });

function problemResponse(
  status: number,
  codes: ErrorCode[],
  roles: string[] | undefined,
): ResponseObject {
  const headers: ResponseObject['headers'] = {
    'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
  };
  if (status === 429 || status === 503)
    headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
  return {
    description:
      codes.map((code) => `\`${code}\``).join(', ') +
      (status === 403 && roles ? ` (requires one of the roles: ${roles.join(', ')})` : ''),
    headers,
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: '#/components/schemas/Problem' },
        examples: Object.fromEntries(codes.map((code) => [code, exampleRef(code)])),
      },
    },
  };
}

function finishOperation(
  operation: OperationObject,
  method: (typeof METHODS)[number],
  used: Set<ErrorCode>,
): void {
  const extensions = operation as unknown as Record<string, unknown>;
  const own = (extensions[ERRORS_EXTENSION] as ErrorCode[] | undefined) ?? [];
  delete extensions[ERRORS_EXTENSION];
  operation.parameters = [
    ...(operation.parameters ?? []),
    { $ref: '#/components/parameters/X-Request-Id' },
  ];
  // A route without @Access is public (the guard refuses every other undeclared one).
  if (!operation.security) operation.security = [];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...commonErrors(operation, method), ...own])) {
    used.add(code);
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    if (Number(status) >= 400) delete operation.responses[status];
    else if (response && !('$ref' in response)) {
      response.headers = {
        'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
        ...response.headers,
      };
    }
  }
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    operation.responses[String(status)] = problemResponse(
      status,
      byStatus.get(status)!,
      extensions['x-required-roles'] as string[] | undefined,
    );
  }
}

function finishDocument(document: OpenAPIObject): OpenAPIObject {
  const used = new Set<ErrorCode>();
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) finishOperation(operation, method, used);
    }
  }
  // Published as OpenAPI 3.1 (JSON Schema 2020-12): see openapi-31.ts for why.
  document.openapi = '3.1.0';
  toOpenApi31Schemas(document.paths);
  toOpenApi31Schemas(document.components);
  // The requests Lotse sends (3.1 `webhooks`), whose schemas are written as 3.1 already.
  const sent = webhooksDocument();
  document.webhooks = sent.webhooks;
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...extraSchemas(), ...sent.schemas },
    headers: { ...RESPONSE_HEADERS, ...document.components?.headers },
    parameters: {
      ...document.components?.parameters,
      'X-Request-Id': REQUEST_ID_PARAMETER,
      ...sent.parameters,
    },
    examples: Object.fromEntries(
      (Object.keys(ERROR_STATUS) as ErrorCode[])
        .filter((code) => used.has(code))
        .map((code) => [`problem_${code}`, problemExample(code)]),
    ),
  };
  return document;
}

/** Swagger UI at /docs, the OpenAPI 3 document at /openapi.json (and .yaml). */
export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    useGlobalPrefix: false,
    customSiteTitle: 'Lotse API',
    swaggerOptions: {
      persistAuthorization: true,
      displayRequestDuration: true,
      docExpansion: 'none',
      filter: true,
      tagsSorter: 'alpha',
    },
  });
}
