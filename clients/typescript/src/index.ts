import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

/**
 * The Lotse API client: openapi-fetch over the types that openapi-typescript generates from the
 * committed openapi.json (src/schema.ts). Every path, parameter, body, answer and problem+json
 * error is typed from that document; nothing here is written by hand but the auth headers.
 */

export type { components, operations, paths } from './schema.js';

type Schemas = components['schemas'];

// Handy names for the schemas a frontend works with most (all of them: components['schemas']).
export type Problem = Schemas['Problem'];
export type ErrorCode = Schemas['ErrorCode'];
export type FieldError = Schemas['FieldError'];
export type UnmetRequirement = Schemas['UnmetRequirement'];
export type Token = Schemas['Token'];
export type Me = Schemas['Me'];
export type Role = Schemas['Role'];
export type Office = Schemas['Office'];
export type User = Schemas['User'];
export type UserPage = Schemas['UserPage'];
export type Founder = Schemas['Founder'];
export type FounderPage = Schemas['FounderPage'];
export type CreateFounder = Schemas['CreateFounder'];
export type UpdateFounder = Schemas['UpdateFounder'];
export type PhaseModel = Schemas['PhaseModel'];
export type Phase = Schemas['Phase'];
export type CaseStatus = Schemas['CaseStatus'];
export type Case = Schemas['Case'];
export type CaseListItem = Schemas['CaseListItem'];
export type CasePage = Schemas['CasePage'];
export type CreateCase = Schemas['CreateCase'];
export type UpdateCase = Schemas['UpdateCase'];
export type CaseEvent = Schemas['CaseEvent'];
export type CaseEventType = Schemas['CaseEventType'];
export type AvailableEvent = Schemas['AvailableEvent'];
export type CaseHistory = Schemas['CaseHistory'];
export type CaseHistoryEntry = Schemas['CaseHistoryEntry'];
export type Contact = Schemas['Contact'];
export type CreateContact = Schemas['CreateContact'];
export type ResetAnalysis = Schemas['ResetAnalysis'];
export type ResetEvent = Schemas['ResetEvent'];
export type EksPeriod = Schemas['EksPeriod'];
export type Indicators = Schemas['Indicators'];
export type ExportManifest = Schemas['ExportManifest'];
export type VerifyResult = Schemas['VerifyResult'];
export type AccessLogPage = Schemas['AccessLogPage'];

export interface LotseClientOptions {
  /** Where the service runs, without /api/v1: e.g. https://lotse.run-mainz.example */
  baseUrl: string;
  /**
   * A bearer token from POST /api/v1/auth/token, or a function that returns the current one
   * (read on every request, so a frontend can sign in, refresh or sign out without a new client).
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** An office API key (lotse_…), sent as X-API-Key. Do not send it together with a token. */
  apiKey?: string;
  /** A fetch of your own (tests, SSR, instrumentation); defaults to globalThis.fetch. */
  fetch?: (input: Request) => Promise<Response>;
}

export type LotseClient = Client<paths>;

/** The credentials header of each request: Authorization: Bearer … or X-API-Key. */
function authMiddleware(options: LotseClientOptions): Middleware {
  return {
    async onRequest({ request }) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      if (options.apiKey) request.headers.set('X-API-Key', options.apiKey);
      return request;
    },
  };
}

/**
 * A typed client for one Lotse instance.
 *
 * ```ts
 * const lotse = createLotseClient({ baseUrl: 'https://lotse.example', token: () => session.token });
 * const { data, error } = await lotse.GET('/api/v1/cases/{id}', { params: { path: { id } } });
 * ```
 */
export function createLotseClient(options: LotseClientOptions): LotseClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (options.token !== undefined || options.apiKey !== undefined)
    client.use(authMiddleware(options));
  return client;
}

/** The If-Match value for a version the client read (the ETag the service sends is "<version>"). */
export function ifMatch(version: number): string {
  return `"${version}"`;
}
