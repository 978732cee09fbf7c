import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { ExportManifest, ServedManifest } from './manifest';

const HEADS_PER_INSERT = 1000;

/**
 * Manifests and their chain heads. An export belongs to every office it covered: the manifest
 * records the transaction's office ids, and it is found only in a scope that holds all of them
 * (row-level security asks the same, and the heads follow their manifest).
 */
@Injectable()
export class ExportsRepository {
  /** The manifest and its chain heads, in the caller's transaction; the heads are read from a stream. */
  async save(
    tx: OfficeTx,
    m: ExportManifest,
    heads: AsyncIterable<[string, string]> | Iterable<[string, string]>,
    actor: { type: string; id: string },
  ): Promise<void> {
    await tx.manager.query(
      `INSERT INTO export_manifest (id, actor_type, actor_id, office_ids, manifest) VALUES ($1, $2, $3, $4, $5)`,
      [m.exportId, actor.type, actor.id, tx.officeIds, JSON.stringify(m)],
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
  }

  private async insertHeads(
    tx: OfficeTx,
    exportId: string,
    from: number,
    heads: [string, string][],
  ): Promise<number> {
    await tx.manager.query(
      `INSERT INTO export_chain_head (export_id, ord, case_ref, head)
       SELECT $1, $2::int + i, r, h FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(r, h, i)`,
      [exportId, from, heads.map((x) => x[0]), heads.map((x) => x[1])],
    );
    return from + heads.length;
  }

  /** A manifest whose export covered only offices of the scope, with its chain heads. */
  async find(tx: OfficeTx, id: string): Promise<ServedManifest | null> {
    const rows: { manifest: ExportManifest }[] = await tx.manager.query(
      `SELECT manifest FROM export_manifest WHERE id = $1 AND office_ids <@ $2::uuid[]`,
      [id, tx.officeIds],
    );
    if (!rows[0]) return null;
    const heads: { case_ref: string; head: string }[] = await tx.manager.query(
      `SELECT h.case_ref, h.head FROM export_chain_head h JOIN export_manifest m ON m.id = h.export_id
        WHERE h.export_id = $1 AND m.office_ids <@ $2::uuid[] ORDER BY h.ord`,
      [id, tx.officeIds],
    );
    return {
      ...rows[0].manifest,
      chainHeads: Object.fromEntries(heads.map((h) => [h.case_ref, h.head])),
    };
  }
}
