import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { hashPassword } from '../src/auth/password';
import { loadConfig } from '../src/config/config';
import { Database } from '../src/database/database';
import { inTransaction } from '../src/database/transaction';
import { UsersRepository } from '../src/users/users.repository';

const USAGE = `Usage:
  npm run cli -- user:create --email <email> [--name <name>] [--admin]
      The password is read from LOTSE_USER_PASSWORD, or asked for on the terminal.
      Uses DATABASE_URL, or the embedded database in LOTSE_DATA_DIR, which one process may open at
      a time: stop the service first.`;

async function readPassword(): Promise<string> {
  const fromEnv = process.env.LOTSE_USER_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) throw new Error('Set LOTSE_USER_PASSWORD or run in a terminal.');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Do not echo the password.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (s.includes('Password')) process.stdout.write(s);
  };
  const answer = await new Promise<string>((resolve) => rl.question('Password: ', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

async function createUser(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean', default: false },
    },
  });
  if (!values.email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.email))
    throw new Error(`--email is required\n${USAGE}`);
  const password = await readPassword();
  if (password.length < 12) throw new Error('The password must be at least 12 characters long.');
  const database = await Database.open(loadConfig());
  try {
    const users = new UsersRepository(database.dataSource);
    const passwordHash = await hashPassword(password);
    const id = await inTransaction(database.dataSource, (tx) =>
      users.insert(tx, {
        email: values.email!,
        name: values.name ?? values.email!,
        passwordHash,
        isAdmin: values.admin ?? false,
      }),
    );
    if (!id) throw new Error(`A user with the email ${values.email} already exists.`);
    console.log(`Created user ${id}${values.admin ? ' (admin)' : ''}.`);
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'user:create') return createUser(rest);
  console.log(USAGE);
  process.exitCode = command ? 2 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
