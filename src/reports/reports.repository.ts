import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { ReportOffice } from './report';

@Injectable()
export class ReportsRepository {
  /** The offices of a report, by code (the office table holds no social data and has no RLS). */
  offices(tx: OfficeTx, ids: readonly string[]): Promise<ReportOffice[]> {
    return tx.manager.query(
      `SELECT id, code, name FROM office WHERE id = ANY($1::uuid[]) ORDER BY code, id`,
      [ids],
    );
  }
}
