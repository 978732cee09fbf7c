import { runInNewContext } from 'node:vm';
import { AppError } from './app-error';
import { ERROR_STATUS } from './error-codes';
import { toProblem } from './to-problem';

describe('toProblem', () => {
  it('maps a domain error to its status with extensions', () => {
    const { problem, unexpected } = toProblem(
      new AppError('version_conflict', 'stale', { currentVersion: 3 }),
    );
    expect(problem).toMatchObject({
      status: 412,
      code: 'version_conflict',
      detail: 'stale',
      currentVersion: 3,
    });
    expect(unexpected).toBe(false);
  });

  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    }),
    Object.assign(new Error('Query runner already released.'), {
      name: 'QueryRunnerAlreadyReleasedError',
    }),
    Object.assign(new Error('released'), { name: 'QueryRunnerProviderAlreadyReleasedError' }),
    // during a switchover: the old primary, demoted, refuses writes until the pool moves on
    Object.assign(new Error('cannot execute UPDATE in a read-only transaction'), { code: '25006' }),
    // the writable-host client when no host of a multi-host URL takes writes yet
    Object.assign(new Error('no host of the database URL accepts writes now'), { code: '08001' }),
    // pg, on a pooled client whose connection the server cut (prepared statements use pg directly)
    new Error('Client has encountered a connection error and is not queryable'),
  ])('answers a lost database with 503, not 500: %s', (error) => {
    const { problem, unexpected } = toProblem(error);
    expect(problem).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(unexpected).toBe(false);
  });

  it('answers 503 for a socket error from another realm (Node core under a VM sandbox)', () => {
    const foreign: unknown = runInNewContext(
      "Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' })",
    );
    expect(foreign instanceof Error).toBe(false);
    const { problem, unexpected } = toProblem(foreign);
    expect(problem).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(unexpected).toBe(false);
  });

  it('answers a feature code with the status of the one map', () => {
    // founder_duplicate is declared by founders.errors.ts, merged into ErrorCodes.
    const { problem } = toProblem(new AppError('founder_duplicate', 'twice'));
    expect(problem).toMatchObject({ status: 409, code: 'founder_duplicate' });
  });

  it('takes only declared codes (checked by tsc)', () => {
    // @ts-expect-error: no part of the API declares this code
    const unknown = new AppError('unknown_code', 'x');
    // @ts-expect-error: the map has no status for an undeclared code
    const status = ERROR_STATUS.unknown_code;
    expect([unknown.code, status]).toEqual(['unknown_code', undefined]);
  });

  it('hides unknown errors behind a bare 500', () => {
    const { problem, unexpected } = toProblem(new TypeError('secret internals at /srv/x.js'));
    expect(problem).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(problem)).not.toContain('secret internals');
    expect(unexpected).toBe(true);
  });
});
