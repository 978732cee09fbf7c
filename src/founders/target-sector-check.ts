import type { EntityManager } from 'typeorm';
import { AppError } from '../common/errors/app-error';

/**
 * Sectors are configuration (the target_sector table), so a code is checked against the database,
 * not the DTO. One check for the founder profile, the case and the RE_SET business: the same
 * codes and the same answer (422 target_sector_unknown) everywhere.
 */
export async function assertTargetSector(
  tx: EntityManager,
  code: string | null | undefined,
  field: string,
): Promise<void> {
  if (code === undefined || code === null) return;
  const rows: unknown[] = await tx.query(`SELECT 1 FROM target_sector WHERE code = $1`, [code]);
  if (rows.length > 0) return;
  throw new AppError('target_sector_unknown', `There is no target sector "${code}".`, {
    errors: [{ field, message: 'see GET /api/v1/target-sectors' }],
  });
}
