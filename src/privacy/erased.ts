import { AppError } from '../common/errors/app-error';
import { assertNotInTransfer } from '../transfers/in-transfer';

/**
 * After erasure a case keeps its pseudonymous history, but nothing new may be written about the
 * person. The one check of every write on a founder's cases and analyses, so it also refuses them
 * while the founder is being handed over to another office (src/transfers).
 */
export function assertNotErased(row: {
  founder_erased_at: Date | null;
  founder_in_transfer: boolean;
}): void {
  assertNotInTransfer(row);
  if (row.founder_erased_at) {
    throw new AppError(
      'founder_erased',
      'The founder\u2019s data were erased; this case takes no new entries.',
    );
  }
}
