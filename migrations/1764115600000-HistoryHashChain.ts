import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSecret } from '../src/database/migration-context';
// Frozen format-1 code: a migration never runs today's application code.
import { chainedCaseRow, GENESIS_HASH, rowHash } from './frozen/chain-format-1';

/**
 * Hash chains over the phase history: every row gets prev_hash, hash and the digest of its free
 * texts. Rows written before this migration get their chain here, in sequence order per case;
 * the append-only trigger is lifted for exactly that and restored in the same transaction.
 */
export class HistoryHashChain1764115600000 implements MigrationInterface {
  name = 'HistoryHashChain1764115600000';

  async up(q: QueryRunner): Promise<void> {
    // case_ref/actor_ref are the keyed pseudonyms the chain covers, stored so that an export is a
    // plain SQL projection (COPY); days_in_phase is fixed when the row is written.
    await q.query(`
      ALTER TABLE case_history
        ADD COLUMN case_ref text, ADD COLUMN actor_ref text, ADD COLUMN days_in_phase integer,
        ADD COLUMN prev_hash text, ADD COLUMN hash text, ADD COLUMN text_digest text`);
    await this.chainExistingCaseRows(q);
    await q.query(`
      ALTER TABLE case_history ALTER COLUMN case_ref SET NOT NULL,
        ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`);
    await q.query(`CREATE INDEX case_history_at_idx ON case_history (at)`);
  }

  private async chainExistingCaseRows(q: QueryRunner): Promise<void> {
    const rows: {
      case_id: string; seq: number; at: Date; actor_type: string; actor_id: string | null; event: string;
      from_phase: string | null; to_phase: string; from_status: string | null; to_status: string;
      payload: Record<string, unknown>; machine_version: number;
      texts: Record<string, string> | null;
    }[] = await q.query(
      `SELECT h.*, t.texts FROM case_history h
         LEFT JOIN case_history_text t ON t.case_id = h.case_id AND t.seq = h.seq
        ORDER BY h.case_id, h.seq`,
    );
    if (rows.length === 0) return;
    const key = migrationSecret('pseudonymKey');
    if (!key) throw new Error('the pseudonym key is needed to chain existing history rows');
    await q.query(`ALTER TABLE case_history DISABLE TRIGGER case_history_append_only`);
    let prev = GENESIS_HASH;
    let currentCase = '';
    for (const r of rows) {
      if (r.case_id !== currentCase) {
        currentCase = r.case_id;
        prev = GENESIS_HASH;
      }
      // Millisecond precision: the chain hashes the ISO time, so the stored time must match it.
      const at = new Date(r.at.getTime());
      const row = chainedCaseRow(key, {
        caseId: r.case_id, seq: r.seq, at, actorType: r.actor_type, actorId: r.actor_id, event: r.event,
        fromPhase: r.from_phase, toPhase: r.to_phase, fromStatus: r.from_status, toStatus: r.to_status,
        daysInPhase: null, payload: r.payload, machineVersion: r.machine_version, texts: r.texts,
      });
      const hash = rowHash(prev, row);
      await q.query(
        `UPDATE case_history SET at = $3, prev_hash = $4, hash = $5, text_digest = $6, case_ref = $7, actor_ref = $8
          WHERE case_id = $1 AND seq = $2`,
        [r.case_id, r.seq, at, prev, hash, row.textDigest, row.caseRef, row.actorRef],
      );
      prev = hash;
    }
    await q.query(`ALTER TABLE case_history ENABLE TRIGGER case_history_append_only`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX case_history_at_idx`);
    await q.query(`
      ALTER TABLE case_history DROP COLUMN case_ref, DROP COLUMN actor_ref, DROP COLUMN days_in_phase,
        DROP COLUMN prev_hash, DROP COLUMN hash, DROP COLUMN text_digest`);
  }
}
