import { Injectable } from '@nestjs/common';
import type { OfficeTx } from '../database/office-transaction';
import type { ExportManifest, ServedManifest } from './manifest';

/**
 * Manifests and their chain heads. An export belongs to every office it covered: the manifest
 * records the transaction's office ids, and it is found only in a scope that holds all of them
 * (row-level security asks the same, and the heads follow their manifest).
 */
@Injectable()
export class ExportsRepository {
  /**
   * The manifest and its chain heads, in the caller's transaction. The heads come as text blocks
   * of whole "ref head\n" lines in file order (what ExportTally spools): PostgreSQL splits each
   * block, one statement per block.
   */
  async save(
    tx: OfficeTx,
    m: ExportManifest,
    blocks: AsyncIterable<string> | Iterable<string>,
    actor: { type: string; id: string },
  ): Promise<void> {
    await tx.manager.query(
      `INSERT INTO export_manifest (id, actor_type, actor_id, office_ids, manifest) VALUES ($1, $2, $3, $4, $5)`,
      [m.exportId, actor.type, actor.id, tx.officeIds, JSON.stringify(m)],
    );
    let ord = 0;
    for await (const block of blocks) ord = await this.insertHeads(tx, m.exportId, ord, block);
  }

  /** One block of head lines, numbered on from `from` (ord counts from 1); answers the last ord. */
  private async insertHeads(
    tx: OfficeTx,
    exportId: string,
    from: number,
    block: string,
  ): Promise<number> {
    const rows: { n: number }[] = await tx.manager.query(
      `WITH line AS (
         SELECT l, i FROM unnest(string_to_array(rtrim($3::text, E'\n'), E'\n')) WITH ORDINALITY AS u(l, i)
       ), saved AS (
         INSERT INTO export_chain_head (export_id, ord, case_ref, head)
         SELECT $1, $2::int + i, split_part(l, ' ', 1), substr(l, strpos(l, ' ') + 1) FROM line
       )
       SELECT count(*)::int AS n FROM line`,
      [exportId, from, block],
    );
    return from + rows[0].n;
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
