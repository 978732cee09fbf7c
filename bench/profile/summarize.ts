import { readFileSync } from 'node:fs';

/**
 * `node dist/bench/profile/summarize.js <file.cpuprofile> [top]`: where a V8 CPU profile (from
 * `BENCH_CPU_PROF=<dir> npm run bench`, which starts the service with --cpu-prof) spent its time —
 * self time by package or source folder, and self and inclusive time of the top functions.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: summarize.js <file.cpuprofile> [top]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function where(url: string): string {
  if (!url) return '(V8/native)';
  if (url.startsWith('node:')) return 'node core';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(.+)\/[^/]+\.js$/.exec(url);
  return own ? own[1] : url;
}
const fnKey = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const byPlace = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const node = byId.get(id)!;
  const name = node.callFrame.functionName;
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
    self.set(name, (self.get(name) ?? 0) + dt);
    byPlace.set(name, (byPlace.get(name) ?? 0) + dt);
    return;
  }
  self.set(fnKey(node), (self.get(fnKey(node)) ?? 0) + dt);
  byPlace.set(where(node.callFrame.url), (byPlace.get(where(node.callFrame.url)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const key = fnKey(byId.get(n)!);
    if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    seen.add(key);
  }
});

const busy = total - (self.get('(idle)') ?? 0);
const show = (title: string, m: Map<string, number>, base: number) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((100 * us) / base).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
  }
};
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`,
);
show('self time by package / folder', byPlace, busy);
show('self time by function', self, busy);
show('inclusive time by function', inclusive, busy);
