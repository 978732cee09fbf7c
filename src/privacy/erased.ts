import { AppError } from '../common/errors/app-error';

/** After erasure a case keeps its pseudonymous history, but nothing new may be written about the person. */
export function assertNotErased(row: { founder_erased_at: Date | null }): void {
  if (row.founder_erased_at) {
    throw new AppError(
      'founder_erased',
      'The founder\u2019s data were erased; this case takes no new entries.',
    );
  }
}
