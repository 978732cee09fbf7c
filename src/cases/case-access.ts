import { AppError } from '../common/errors/app-error';
import { officesWithRole } from '../auth/principal';
import type { RequestContext } from '../auth/request-context';

/** Offices whose cases the caller may read: advisors, leads and auditors (auditors never write). */
export const readableOffices = (ctx: RequestContext): string[] =>
  officesWithRole(ctx.actor, ['advisor', 'lead', 'auditor']);

/** Offices whose cases the caller may change. */
export const writableOffices = (ctx: RequestContext): string[] => officesWithRole(ctx.actor, ['advisor', 'lead']);

/** After erasure a case keeps its pseudonymous history, but nothing new may be written about the person. */
export function assertNotErased(row: { founder_erased_at: Date | null }): void {
  if (row.founder_erased_at) {
    throw new AppError('founder_erased', 'The founder\u2019s data were erased; this case takes no new entries.');
  }
}
