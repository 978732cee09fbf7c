/**
 * The README's examples as one file that `npm run check` compiles with tsc --strict: if the
 * document changes in a way that breaks them, the check fails. Not part of the package.
 */
import {
  createLotseClient,
  ifMatch,
  type Case,
  type CaseEvent,
  type CaseListItem,
  type LotseClient,
  type Problem,
} from '../src/index.js';

/** Sign in with email and password; the client reads the token on every request. */
export async function signIn(
  baseUrl: string,
  email: string,
  password: string,
): Promise<LotseClient> {
  const session: { token?: string } = {};
  const lotse = createLotseClient({ baseUrl, token: () => session.token });
  const { data, error } = await lotse.POST('/api/v1/auth/token', { body: { email, password } });
  if (error) throw new Error(`sign-in failed: ${error.code} (${error.detail})`);
  session.token = data.accessToken;
  return lotse;
}

/** An integrated frontend of one office can use an API key instead. */
export function withApiKey(baseUrl: string, apiKey: string): LotseClient {
  return createLotseClient({ baseUrl, apiKey });
}

/** Every active case in planning, page by page (keyset pages: follow nextCursor until it is null). */
export async function activeCasesInPlanning(lotse: LotseClient): Promise<CaseListItem[]> {
  const cases: CaseListItem[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await lotse.GET('/api/v1/cases', {
      params: {
        query: { phase: 'planning', status: 'active', limit: 100, ...(cursor ? { cursor } : {}) },
      },
    });
    if (error) throw new Error(error.detail);
    cases.push(...data.items);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  return cases;
}

export type EventOutcome =
  | { ok: true; case: Case }
  | { ok: false; reason: 'not_allowed'; allowedEvents: string[] }
  | { ok: false; reason: 'unmet'; unmet: { code: string; message: string }[] }
  | { ok: false; reason: 'changed'; currentVersion: number | undefined }
  | { ok: false; reason: 'other'; problem: Problem };

/** Send a phase-model event and turn the problem+json answers a form has to show into data. */
export async function sendEvent(
  lotse: LotseClient,
  current: Case,
  event: CaseEvent,
): Promise<EventOutcome> {
  const { data, error } = await lotse.POST('/api/v1/cases/{id}/events', {
    params: { path: { id: current.id }, header: { 'If-Match': ifMatch(current.version) } },
    body: event,
  });
  if (data) return { ok: true, case: data };
  switch (error.code) {
    case 'transition_not_allowed':
      return { ok: false, reason: 'not_allowed', allowedEvents: error.allowedEvents ?? [] };
    case 'requirements_unmet':
      return { ok: false, reason: 'unmet', unmet: error.unmet ?? [] };
    case 'version_conflict':
      return { ok: false, reason: 'changed', currentVersion: error.currentVersion };
    default:
      return { ok: false, reason: 'other', problem: error };
  }
}

/** Record milestones with If-Match: a 412 means someone else changed the case since it was read. */
export async function recordBusinessPlan(
  lotse: LotseClient,
  current: Case,
  on: string,
): Promise<Case> {
  const { data, error } = await lotse.PATCH('/api/v1/cases/{id}', {
    params: { path: { id: current.id }, header: { 'If-Match': ifMatch(current.version) } },
    body: { businessPlanCompletedOn: on, financePlanCompletedOn: on },
  });
  if (error) {
    if (error.code === 'version_conflict')
      throw new Error(`reload: the case is at version ${error.currentVersion}`);
    throw new Error(`${error.status} ${error.code}: ${error.detail}`);
  }
  return data;
}

/** Close a case with its outcome: COMPLETE carries outcome and the follow-up date. */
export function complete(lotse: LotseClient, current: Case): Promise<EventOutcome> {
  return sendEvent(lotse, current, {
    type: 'COMPLETE',
    outcome: 'founded_main',
    followUpOn: '2026-10-01',
  });
}
