import { includes, officesFor, type Permission } from '../auth/office-scope';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/errors/app-error';

/**
 * The offices a report or the ESF export covers: the ones asked for (?officeId=), each of which the
 * caller must hold the permission in (403 otherwise), or all the offices where they hold it.
 */
export function reportOffices(
  actor: Principal,
  permission: Permission,
  asked: readonly string[] | undefined,
): string[] {
  const scope = officesFor(actor, permission);
  const officeIds = asked ? [...new Set(asked)] : scope.officeIds;
  // The report permissions are not an administrator's in every office (office-scope.ts).
  if (officeIds === 'every')
    throw new AppError('internal_error', 'Reports are not granted in every office.');
  if (officeIds.some((id) => !includes(scope, id)))
    throw new AppError('forbidden', 'You may not read reports of one of the offices asked for.', {
      errors: [{ field: 'officeId', message: 'must be offices whose reports you may read' }],
    });
  return [...officeIds];
}
