import { officesWithRole } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';

/** Offices whose cases the caller may read: advisors, leads and auditors (auditors never write). */
export const readableOffices = (ctx: RequestContext): string[] =>
  officesWithRole(ctx.actor, ['advisor', 'lead', 'auditor']);

/** Offices whose cases the caller may change. */
export const writableOffices = (ctx: RequestContext): string[] => officesWithRole(ctx.actor, ['advisor', 'lead']);
