import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessLogRepository } from '../access-log/access-log.repository';
import type { CasesRepository } from '../cases/cases.repository';
import type { FoundersRepository } from '../founders/founders.repository';
import type { ResetRepository } from '../reset/reset.repository';
import {
  holdsIn,
  includes,
  mayCall,
  narrowTo,
  officesFor,
  requiredRoles,
  requireAccess,
  roleHolds,
  SIGNED_IN,
} from './office-scope';
import {
  MATRIX_END,
  MATRIX_START,
  permissionMatrix,
  withPermissionMatrix,
} from './permission-matrix';
import type { Principal } from './principal';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const user = (memberships: Principal['memberships'], isAdmin = false): Principal => ({
  kind: 'user',
  id: 'u',
  isAdmin,
  memberships,
});

describe('the office-scope policy', () => {
  const leadA_advisorB = user([
    { officeId: A, role: 'lead' },
    { officeId: B, role: 'advisor' },
  ]);
  const auditorA = user([{ officeId: A, role: 'auditor' }]);
  const admin = user([], true);

  it('yields the offices a caller holds each permission in', () => {
    expect(officesFor(leadA_advisorB, 'case.read').officeIds).toEqual([A, B]);
    expect(officesFor(leadA_advisorB, 'case.lead_event').officeIds).toEqual([A]);
    expect(officesFor(leadA_advisorB, 'users.administer').officeIds).toEqual([A]);
    expect(officesFor(auditorA, 'case.read').officeIds).toEqual([A]);
    expect(officesFor(auditorA, 'case.write').officeIds).toEqual([]);
    expect(officesFor(auditorA, 'free_texts.read').officeIds).toEqual([]);
    expect(officesFor(auditorA, 'exports.read').officeIds).toEqual([A]);
  });

  it('gives administrators every office only where the policy says so, and no social data', () => {
    expect(officesFor(admin, 'founder.erase').officeIds).toBe('every');
    expect(officesFor(admin, 'access_log.read').officeIds).toBe('every');
    expect(officesFor(admin, 'case.read').officeIds).toEqual([]);
    expect(officesFor(admin, 'founders.read').officeIds).toEqual([]);
    expect(holdsIn(admin, 'founder.erase', B)).toBe(true);
    expect(holdsIn(admin, 'case.write', B)).toBe(false);
  });

  it('answers per office, per role and per route', () => {
    expect(holdsIn(leadA_advisorB, 'case.lead_event', A)).toBe(true);
    expect(holdsIn(leadA_advisorB, 'case.lead_event', B)).toBe(false);
    expect(roleHolds('advisor', 'case.write')).toBe(true);
    expect(roleHolds('auditor', 'case.write')).toBe(false);
    expect(roleHolds(null, 'case.read')).toBe(false);
    expect(mayCall(auditorA, 'case.write')).toBe(false);
    expect(mayCall(auditorA, 'case.read')).toBe(true);
    expect(mayCall(user([]), SIGNED_IN)).toBe(true);
    expect(mayCall(admin, 'offices.administer')).toBe(true);
    expect(narrowTo(officesFor(leadA_advisorB, 'case.read'), B).officeIds).toEqual([B]);
    expect(narrowTo(officesFor(auditorA, 'case.read'), B).officeIds).toEqual([]);
    expect(includes(officesFor(admin, 'founder.erase'), B)).toBe(true);
    expect(() => requireAccess(auditorA, 'case.write', A)).toThrow(/does not allow/);
    expect(() => requireAccess(leadA_advisorB, 'case.write', B)).not.toThrow();
  });

  it('writes the roles of each permission into OpenAPI as before', () => {
    expect(requiredRoles('case.read')).toEqual(['advisor', 'lead', 'auditor']);
    expect(requiredRoles('access_log.read')).toEqual(['lead', 'admin']);
    expect(requiredRoles('offices.administer')).toEqual(['admin']);
    expect(requiredRoles(SIGNED_IN)).toEqual(['any']);
  });

  it('is the README\u2019s role matrix, which cannot drift from it', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf(MATRIX_START),
      readme.indexOf(MATRIX_END) + MATRIX_END.length,
    );
    expect(section).toBe(`${MATRIX_START}\n${permissionMatrix()}\n${MATRIX_END}`);
    expect(withPermissionMatrix(readme)).toBe(readme);
    expect(permissionMatrix()).toContain(
      '| `case.lead_event` | send a lead-only event (REOPEN) | – | its offices | – | – |',
    );
  });
});

/**
 * Compile-time checks (npm test type-checks this file): a repository method on office data cannot
 * be called without an OfficeTx, which carries the office ids. Each line would compile, and so
 * fail the @ts-expect-error, if the method took office data without them.
 */
export function officeIdsAreRequired(
  cases: CasesRepository,
  founders: FoundersRepository,
  reset: ResetRepository,
  log: AccessLogRepository,
): void {
  // @ts-expect-error history needs the office-scoped transaction
  void cases.history('case-id');
  // @ts-expect-error contacts needs the office-scoped transaction
  void cases.contacts('case-id');
  // @ts-expect-error findById needs the office-scoped transaction
  void cases.findById('case-id');
  // @ts-expect-error an office id list is not an OfficeTx: only OfficeDb.run makes one
  void cases.findById({ manager: null, officeIds: [A] }, 'case-id');
  // @ts-expect-error founders too
  void founders.findById('founder-id');
  // @ts-expect-error and analyses
  void reset.history('analysis-id');
  // @ts-expect-error and the access log
  void log.list({ withoutOffice: false, limit: 1 });
}
