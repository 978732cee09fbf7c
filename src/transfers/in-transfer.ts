import { AppError } from '../common/errors/app-error';
import type { OfficeTx } from '../database/office-transaction';

/**
 * SQL: whether the founder (an SQL expression naming their id) is being handed over. Acceptance
 * moves the founder with all of their cases and analyses, so while a transfer is open everything of
 * theirs is read-only. The partial unique index case_transfer_open answers it.
 */
export const founderInTransferSql = (founderId: string): string =>
  `EXISTS (SELECT 1 FROM case_transfer tr WHERE tr.founder_id = ${founderId} AND tr.state = 'requested')`;

export function assertNotInTransfer(row: { founder_in_transfer: boolean }): void {
  if (row.founder_in_transfer) {
    throw new AppError(
      'case_in_transfer',
      'The case is being handed over to another office; it is read-only until the transfer is decided.',
    );
  }
}

/** For the write paths that hold no locked case row (founder, erasure, a new case or analysis). */
export async function refuseWhileInTransfer(tx: OfficeTx, founderId: string): Promise<void> {
  const [row] = await tx.manager.query<{ founder_in_transfer: boolean }[]>(
    `SELECT ${founderInTransferSql('$1::uuid')} AS founder_in_transfer`,
    [founderId],
  );
  assertNotInTransfer(row);
}
