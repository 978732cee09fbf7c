import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

// Issue 10 item 16: a migration is frozen when it lands, so it may not run application code that
// changes later. The one channel it may use is the secrets hand-over of the running start
// (src/database/migration-context), which carries values, not logic.
const ALLOWED = new Set(['src/database/migration-context']);

describe('migrations import no application code', () => {
  const dir = join(__dirname, '..', 'migrations');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.ts'),
  );

  it.each(files)('%s', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    const appCode = imports
      .filter((spec) => spec.startsWith('.')) // packages (typeorm) are not ours
      .map((spec) => posix.join('migrations', posix.dirname(file), spec))
      .filter((path) => !path.startsWith('migrations/') && !ALLOWED.has(path));
    expect(appCode).toEqual([]);
  });
});
