import { AppError } from '../common/errors/app-error';
import type { AnalysisRow } from './reset.row';

/** A decided or cancelled analysis is a closed record: its data and periods no longer change. */
export function assertOpen(row: AnalysisRow): void {
  if (row.state === 'decided' || row.state === 'cancelled') {
    throw new AppError(
      'reset_analysis_closed',
      `The analysis is ${row.state}; its data can no longer change.`,
      {
        state: row.state,
      },
    );
  }
}
