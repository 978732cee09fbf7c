import { withAdminClient } from './database';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.LOTSE_TEST_TEMPLATE;
  if (!template) return;
  await withAdminClient((client) =>
    client.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`),
  );
}
