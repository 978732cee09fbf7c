import { AppError } from '../common/errors/app-error';
import type { Principal, Role } from './principal';

/**
 * The one office-scope policy. Every permission a route or service can ask for is named here, with
 * the membership roles that hold it in an office and whether a system administrator holds it in
 * every office. Services ask `officesFor` / `requireAccess`; controllers declare the permission a
 * route needs (`@Access('case.read')`); repositories take the resulting scope (an OfficeTx, see
 * database/office-transaction.ts) on every office-scoped query, and PostgreSQL's row-level security
 * enforces the same office ids a second time. The README's role matrix is generated from this table
 * (test/office-scope.e2e-spec.ts fails when the two differ).
 */
export const PERMISSIONS = {
  'cases.list': { roles: ['advisor', 'lead', 'auditor'], admin: false, what: 'read the case list' },
  'case.read': {
    roles: ['advisor', 'lead', 'auditor'],
    admin: false,
    what: 'read a case and its phase history',
  },
  'case.write': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'create a case, change its data, record contacts, send phase events',
  },
  'case.lead_event': { roles: ['lead'], admin: false, what: 'send a lead-only event (REOPEN)' },
  'case.contacts.read': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'read a case\u2019s contacts',
  },
  'free_texts.read': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'read free texts (notes, reasons); others get them as null',
  },
  'founders.read': { roles: ['advisor', 'lead'], admin: false, what: 'read founders' },
  'founders.write': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'register and change founders',
  },
  'founder.subject_access': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'export all data of a founder (GDPR Art. 15)',
  },
  'founder.erase': { roles: ['lead'], admin: true, what: 'erase a founder (GDPR Art. 17)' },
  'reset.read': {
    roles: ['advisor', 'lead', 'auditor'],
    admin: false,
    what: 'read RE_SET analyses',
  },
  'reset.write': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'create and change RE_SET analyses, their EKS periods and events',
  },
  'reset.reopen_case': {
    roles: ['lead'],
    admin: false,
    what: 'accept a RE_SET restart that reopens a closed case',
  },
  'tasks.read': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'read the desk: derived and manual tasks, the calendar feed',
  },
  'tasks.write': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'create, complete and reopen manual tasks (Wiedervorlage)',
  },
  'office_settings.administer': {
    roles: ['lead'],
    admin: true,
    what: 'read and change an office\u2019s deadline offsets and thresholds',
  },
  'case.transfer': {
    roles: ['advisor', 'lead'],
    admin: false,
    what: 'hand a case over to another office (as the sending office)',
  },
  'case.transfer.decide': {
    roles: ['lead'],
    admin: false,
    what: 'accept or decline a case handed over to the office',
  },
  'exports.read': {
    roles: ['auditor', 'lead'],
    admin: false,
    what: 'export phase histories (pseudonymised) and read their manifests',
  },
  'exports.identities': { roles: ['lead'], admin: false, what: 'export with names and free texts' },
  'access_log.read': { roles: ['lead'], admin: true, what: 'read the access log' },
  'users.administer': {
    roles: ['lead'],
    admin: true,
    what: 'create users and set advisor/lead memberships',
  },
  'api_keys.administer': {
    roles: ['lead'],
    admin: true,
    what: 'issue and revoke an office\u2019s API keys',
  },
  'webhooks.administer': {
    roles: ['lead'],
    admin: true,
    what: 'register, change and delete an office\u2019s webhooks and read their delivery log',
  },
  'oidc_mappings.administer': {
    roles: [],
    admin: true,
    what: 'map single sign-on groups to office roles',
  },
  'reports.read': {
    roles: ['lead', 'auditor'],
    admin: false,
    what: 'read the office reports and the ESF Plus participant data (aggregates, pseudonyms)',
  },
  'reports.caseload': {
    roles: ['advisor', 'lead', 'auditor'],
    admin: false,
    what: 'read the caseload report (an advisor: of their own cases)',
  },
  'offices.read': { roles: ['advisor', 'lead', 'auditor'], admin: true, what: 'read an office' },
  'offices.administer': { roles: [], admin: true, what: 'create and change offices' },
} as const satisfies Record<string, { roles: readonly Role[]; admin: boolean; what: string }>;

export type Permission = keyof typeof PERMISSIONS;

/** A route any signed-in caller may call (who am I, the phase model, verifying a file). */
export const SIGNED_IN = 'signed_in';
export type RoutePermission = Permission | typeof SIGNED_IN;

/**
 * The offices a caller holds a permission in. `every` only for a system administrator and a
 * permission administrators hold everywhere; then the scope is resolved to all offices when the
 * database transaction opens.
 */
export type OfficeIds = readonly string[] | 'every';

export interface OfficeScope {
  readonly permission: Permission;
  readonly officeIds: OfficeIds;
}

function rolesOf(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission].roles;
}

export function holdsIn(actor: Principal, permission: Permission, officeId: string): boolean {
  if (actor.isAdmin && PERMISSIONS[permission].admin) return true;
  return actor.memberships.some(
    (m) => m.officeId === officeId && rolesOf(permission).includes(m.role),
  );
}

/** Whether a membership role holds a permission (in its office). */
export function roleHolds(role: Role | null, permission: Permission): boolean {
  const roles: readonly Role[] = rolesOf(permission);
  return role !== null && roles.includes(role);
}

/** The scope of a permission for this caller: the offices they hold it in (maybe none). */
export function officesFor(actor: Principal, permission: Permission): OfficeScope {
  if (actor.isAdmin && PERMISSIONS[permission].admin) return { permission, officeIds: 'every' };
  const roles = rolesOf(permission);
  const officeIds = actor.memberships.filter((m) => roles.includes(m.role)).map((m) => m.officeId);
  return { permission, officeIds };
}

/** The scope narrowed to one office (a filter such as ?officeId=): empty when the caller lacks it there. */
export function narrowTo(scope: OfficeScope, officeId: string): OfficeScope {
  return { permission: scope.permission, officeIds: includes(scope, officeId) ? [officeId] : [] };
}

export function includes(scope: OfficeScope, officeId: string): boolean {
  return scope.officeIds === 'every' || scope.officeIds.includes(officeId);
}

/** Whether a route's declared permission lets the caller in at all (in some office). */
export function mayCall(actor: Principal, permission: RoutePermission): boolean {
  if (permission === SIGNED_IN) return true;
  const scope = officesFor(actor, permission);
  return scope.officeIds === 'every' || scope.officeIds.length > 0;
}

/**
 * For a record the caller can already see (it is in a readable office): 403 when they lack
 * `permission` in its office. A record they cannot see at all is the repository's 404.
 */
export function requireAccess(
  actor: Principal,
  permission: Permission,
  officeId: string,
  message: string = `Your role in this office does not allow this (${permission}).`,
): void {
  if (!holdsIn(actor, permission, officeId)) throw new AppError('forbidden', message);
}

/** The roles that hold a permission, as the OpenAPI document lists them (x-required-roles). */
export function requiredRoles(permission: RoutePermission): string[] {
  if (permission === SIGNED_IN) return ['any'];
  return [...rolesOf(permission), ...(PERMISSIONS[permission].admin ? ['admin'] : [])];
}
