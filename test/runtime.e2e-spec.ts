import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Node 20 reached its end of life on 2026-04-30 and several dependencies need Node 22: the
 * package, the image and CI all name a supported LTS, and the suite runs on one.
 */
describe('the runtime is a supported Node.js LTS', () => {
  const root = join(__dirname, '..');
  const read = (file: string) => readFileSync(join(root, file), 'utf8');
  const version = (text: string) => text.split('.').map(Number);
  const atLeast = (actual: number[], wanted: number[]) => {
    for (let i = 0; i < wanted.length; i++) {
      if ((actual[i] ?? 0) !== wanted[i]) return (actual[i] ?? 0) > wanted[i];
    }
    return true;
  };

  it('package.json asks for Node 22.12 or later, and this suite runs on such a Node', () => {
    const pkg = JSON.parse(read('package.json')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    expect(pkg.engines.node).toBe('>=22.12');
    expect(pkg.devDependencies['@types/node']).toMatch(/^\^24\./);
    expect(atLeast(version(process.versions.node), [22, 12])).toBe(true);
  });

  it('the image builds and runs on Node 24', () => {
    const from = read('Dockerfile').match(/^FROM \S+/gm);
    expect(from).toEqual(['FROM node:24-bookworm-slim', 'FROM node:24-bookworm-slim']);
  });

  it('CI installs Node 24 from the npm registry and puts it first on PATH before installing', () => {
    const ci = read('.ci/run');
    expect(ci).toContain('npm install --prefix "$node_dir"');
    expect(ci).toContain('"$node_pkg@24"');
    const path = ci.indexOf('export PATH="$node_dir/node_modules/$node_pkg/bin:$PATH"');
    expect(path).toBeGreaterThan(0);
    expect(path).toBeLessThan(ci.indexOf('npm ci'));
    expect(ci.indexOf('npm ci')).toBeLessThan(ci.indexOf('npm test'));
  });

  it('compares versions as numbers', () => {
    expect(atLeast([22, 12, 0], [22, 12])).toBe(true);
    expect(atLeast([24, 1, 0], [22, 12])).toBe(true);
    expect(atLeast([22, 9, 0], [22, 12])).toBe(false);
    expect(atLeast([20, 20, 2], [22, 12])).toBe(false);
  });
});
