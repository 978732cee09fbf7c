import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ExportManifest } from './manifest';

@Injectable()
export class ExportsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async save(m: ExportManifest, actor: { type: string; id: string }, officeIds: string[]): Promise<void> {
    await this.db.query(
      `INSERT INTO export_manifest (id, actor_type, actor_id, office_ids, manifest) VALUES ($1, $2, $3, $4, $5)`,
      [m.exportId, actor.type, actor.id, officeIds, JSON.stringify(m)],
    );
  }

  /** A manifest whose export covered at least one of the given offices. */
  async find(id: string, officeIds: string[]): Promise<ExportManifest | null> {
    const rows: { manifest: ExportManifest }[] = await this.db.query(
      `SELECT manifest FROM export_manifest WHERE id = $1 AND office_ids && $2::uuid[]`,
      [id, officeIds],
    );
    return rows[0]?.manifest ?? null;
  }
}
