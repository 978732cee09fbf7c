import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { OfficeIds } from '../auth/office-scope';
import { OfficeDb, type OfficeTx } from './office-transaction';
import { isStandbyUnavailable, ReadReplica } from './replica-db';
import type { IsolationLevel } from './transaction';

export class StandbyWriteError extends Error {
  constructor() {
    super('a transaction on the read replica cannot write (atCommit on a standby)');
  }
}

/**
 * OfficeDb's transactions on the standby: the same code (scope, row-level security, one round trip
 * for BEGIN and the offices), but nothing may be sent with the COMMIT, since a standby cannot
 * write. Read entries of the access log go to the primary after the read (the access log's
 * committer), never through atCommit.
 */
export class StandbyOfficeDb extends OfficeDb {
  constructor(standby: DataSource) {
    super(standby);
  }

  protected override queueAtCommit(): void {
    throw new StandbyWriteError();
  }
}

/**
 * Office-scoped read transactions for the reads that may go to the standby (reports, the desk's
 * lists): on the standby when DATABASE_READ_URL is set and it answers, else on the primary as
 * OfficeDb.run. A standby that fails (connection, or a query cancelled by replay) sends that
 * request to the primary; reads have no effects until they commit, so running one again is safe.
 */
@Injectable()
export class ReplicaOfficeDb {
  private standbyDb: { ds: DataSource; db: StandbyOfficeDb } | null = null;

  constructor(
    @Inject(OfficeDb) private readonly primary: OfficeDb,
    @Inject(ReadReplica) private readonly replica: ReadReplica,
  ) {}

  async run<T>(
    scope: { readonly officeIds: OfficeIds },
    work: (tx: OfficeTx) => Promise<T>,
    isolation: IsolationLevel = 'READ COMMITTED',
  ): Promise<T> {
    const standby = await this.replica.standby();
    if (!standby) return this.primary.run(scope, work, isolation);
    if (this.standbyDb?.ds !== standby)
      this.standbyDb = { ds: standby, db: new StandbyOfficeDb(standby) };
    let worked = false;
    try {
      return await this.standbyDb.db.run(
        scope,
        async (tx) => {
          const result = await work(tx);
          worked = true;
          return result;
        },
        isolation,
      );
    } catch (error) {
      // After the work, what fails is the commit or the access log's write to the primary: not a
      // reason to read again (the error filter answers 503 when the database is unavailable).
      if (worked || !isStandbyUnavailable(error)) throw error;
      this.replica.markDown('read', error);
      return this.primary.run(scope, work, isolation);
    }
  }
}
