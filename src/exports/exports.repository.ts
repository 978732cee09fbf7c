import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../database/transaction';
import type { ExportManifest, ServedManifest } from './manifest';

const HEADS_PER_INSERT = 1000;

@Injectable()
export class ExportsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The manifest and its chain heads, in one transaction; the heads are read from a stream. */
  async save(
    m: ExportManifest,
    heads: AsyncIterable<[string, string]>,
    actor: { type: string; id: string },
    officeIds: string[],
  ): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await tx.query(
        `INSERT INTO export_manifest (id, actor_type, actor_id, office_ids, manifest) VALUES ($1, $2, $3, $4, $5)`,
        [m.exportId, actor.type, actor.id, officeIds, JSON.stringify(m)],
      );
      let batch: [string, string][] = [];
      let ord = 0;
      for await (const head of heads) {
        batch.push(head);
        if (batch.length === HEADS_PER_INSERT) {
          ord = await this.insertHeads(tx, m.exportId, ord, batch);
          batch = [];
        }
      }
      if (batch.length) await this.insertHeads(tx, m.exportId, ord, batch);
    });
  }

  private async insertHeads(tx: EntityManager, exportId: string, from: number, heads: [string, string][]): Promise<number> {
    await tx.query(
      `INSERT INTO export_chain_head (export_id, ord, case_ref, head)
       SELECT $1, $2::int + i, r, h FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(r, h, i)`,
      [exportId, from, heads.map((x) => x[0]), heads.map((x) => x[1])],
    );
    return from + heads.length;
  }

  /** A manifest whose export covered only offices the caller may read, with its chain heads. */
  async find(id: string, officeIds: string[]): Promise<ServedManifest | null> {
    const rows: { manifest: ExportManifest }[] = await this.db.query(
      `SELECT manifest FROM export_manifest WHERE id = $1 AND office_ids <@ $2::uuid[]`,
      [id, officeIds],
    );
    if (!rows[0]) return null;
    const heads: { case_ref: string; head: string }[] = await this.db.query(
      `SELECT case_ref, head FROM export_chain_head WHERE export_id = $1 ORDER BY ord`,
      [id],
    );
    return { ...rows[0].manifest, chainHeads: Object.fromEntries(heads.map((h) => [h.case_ref, h.head])) };
  }
}
