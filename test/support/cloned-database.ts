import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/database/data-source';
import { databaseUrl, templateName, withAdminClient } from './database';

export interface ClonedDatabase {
  name: string;
  /** The service's own DataSource definition on the clone (not yet initialized by the caller). */
  dataSource: DataSource;
  /** Destroys the DataSource and drops the clone. */
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh database cloned from the migrated template, without the application around it. */
export async function cloneTemplate(poolSize = 4): Promise<ClonedDatabase> {
  const template = templateName();
  const name = `lotse_t_${template.split('_')[2]}_${process.env.JEST_WORKER_ID ?? '0'}_c${Date.now().toString(36)}${counter++}`;
  await withAdminClient((client) =>
    client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`),
  );
  const dataSource = createDataSource({
    url: databaseUrl(name),
    poolSize,
    embedded: false,
    applicationName: 'lotse-test',
  });
  await dataSource.initialize();
  return {
    name,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}
