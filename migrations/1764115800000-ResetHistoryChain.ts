import { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSecret } from '../src/database/migration-context';
// Frozen format-1 code: a migration never runs today's application code.
import { chainedResetRow, GENESIS_HASH, rowHash } from './frozen/chain-format-1';

/**
 * Hash chains over the RE_SET analysis history, as for cases (1764115600000-HistoryHashChain):
 * existing rows are chained here in sequence order per analysis.
 */
export class ResetHistoryChain1764115800000 implements MigrationInterface {
  name = 'ResetHistoryChain1764115800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE reset_history
        ADD COLUMN analysis_ref text, ADD COLUMN actor_ref text,
        ADD COLUMN prev_hash text, ADD COLUMN hash text, ADD COLUMN text_digest text`);
    const rows: {
      analysis_id: string; seq: number; at: Date; actor_id: string | null; event: string; from_state: string;
      to_state: string; payload: Record<string, unknown>; machine_version: number; texts: Record<string, string> | null;
    }[] = await q.query(
      `SELECT h.*, t.texts FROM reset_history h
         LEFT JOIN reset_history_text t ON t.analysis_id = h.analysis_id AND t.seq = h.seq
        ORDER BY h.analysis_id, h.seq`,
    );
    if (rows.length > 0) {
      const key = migrationSecret('pseudonymKey');
      if (!key) throw new Error('the pseudonym key is needed to chain existing history rows');
      await q.query(`ALTER TABLE reset_history DISABLE TRIGGER reset_history_append_only`);
      let prev = GENESIS_HASH;
      let current = '';
      for (const r of rows) {
        if (r.analysis_id !== current) [current, prev] = [r.analysis_id, GENESIS_HASH];
        const at = new Date(r.at.getTime());
        const row = chainedResetRow(key, {
          analysisId: r.analysis_id, seq: r.seq, at, actorId: r.actor_id, event: r.event, fromState: r.from_state,
          toState: r.to_state, payload: r.payload, machineVersion: r.machine_version, texts: r.texts,
        });
        const hash = rowHash(prev, row);
        await q.query(
          `UPDATE reset_history SET at = $3, analysis_ref = $4, actor_ref = $5, prev_hash = $6, hash = $7, text_digest = $8
            WHERE analysis_id = $1 AND seq = $2`,
          [r.analysis_id, r.seq, at, row.analysisRef, row.actorRef, prev, hash, row.textDigest],
        );
        prev = hash;
      }
      await q.query(`ALTER TABLE reset_history ENABLE TRIGGER reset_history_append_only`);
    }
    await q.query(`
      ALTER TABLE reset_history ALTER COLUMN analysis_ref SET NOT NULL,
        ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE reset_history DROP COLUMN analysis_ref, DROP COLUMN actor_ref,
        DROP COLUMN prev_hash, DROP COLUMN hash, DROP COLUMN text_digest`);
  }
}
