import { Client } from 'pg';

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'lotse-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * CREATE DATABASE lotse_bench_<pid>. Databases of earlier runs whose process is gone (killed before
 * their cleanup) are dropped first, so an interrupted run does not leave gigabytes behind.
 */
export async function createScratchDatabase(adminUrl: string): Promise<string> {
  const name = `lotse_bench_${process.pid}`;
  await withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^lotse_bench_[0-9]+$'`,
    );
    for (const { datname } of rows) {
      const pid = Number(datname.slice('lotse_bench_'.length));
      if (pid === process.pid || !isAlive(pid))
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE "${name}"`);
  });
  return name;
}

export async function dropScratchDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
