export const ROLES = ['advisor', 'lead', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Membership {
  officeId: string;
  role: Role;
}

/**
 * Who is acting: a signed-in user or an office's API key. Everything a request may do follows from
 * `isAdmin` and the memberships; an API key has exactly one membership.
 */
export interface Principal {
  kind: 'user' | 'api_key';
  id: string;
  isAdmin: boolean;
  memberships: Membership[];
}

export function roleIn(principal: Principal, officeId: string): Role | null {
  return principal.memberships.find((m) => m.officeId === officeId)?.role ?? null;
}
