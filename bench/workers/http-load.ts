import autocannon from 'autocannon';
import { latency, LoadResult } from '../lib/stats';
import { serve } from './answer';
import { HttpLoadSpec, HttpScenario, PAUSE, RESUME, shareOf } from './specs';

/**
 * Load worker (its own process): closed-loop HTTP load with autocannon, one request in flight per
 * connection. Latencies are recorded from every response (autocannon's own summary has no p95).
 */
type Client = Parameters<NonNullable<autocannon.Options['setupClient']>>[0];
type Request = autocannon.Request;

// Connection k works on its own share of the cases; a client that reconnects keeps its number.
let clientCount = 0;
/** The cases that are at the far end of their cycle (paused, or after the first body). */
const flipped = new Set<string>();

function clientSetup(s: HttpScenario, connections: number): (client: Client) => void {
  return (client) => {
    const k = clientCount++ % connections;
    client.setRequests([requestOf(s, k, connections)]);
  };
}

function requestOf(s: HttpScenario, k: number, n: number): Request {
  switch (s.kind) {
    case 'transitions': {
      const mine = shareOf(s.caseIds, k, n);
      const headers = { 'content-type': 'application/json', 'x-api-key': s.apiKey };
      const [there, back] = (s.bodies ?? [PAUSE, RESUME]).map((b) => JSON.stringify(b));
      let i = 0;
      const current = () => mine[i % mine.length];
      return {
        method: 'POST',
        setupRequest: (req: Request) => {
          const id = current();
          const body = flipped.has(id) ? back : there;
          return { ...req, path: `/api/v1/cases/${id}/events`, headers, body };
        },
        // 409: the case already was in the other state (a request that timed out still reached the
        // server); flipping heals that.
        onResponse: (status: number) => {
          const id = current();
          const moved = status === 200 || status === 409;
          if (moved && !flipped.delete(id)) flipped.add(id);
          i++;
        },
      };
    }
    case 'list': {
      let office = k % s.offices.length;
      let cursor: string | null = null;
      let depth = 0;
      return {
        method: 'GET',
        setupRequest: (req: Request) => {
          const o = s.offices[office];
          const page = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          return {
            ...req,
            path: `/api/v1/cases?phase=${s.phase}&officeId=${o.id}&limit=${s.limit}${page}`,
            headers: { 'x-api-key': o.apiKey },
          };
        },
        onResponse: (status: number, body: string) => {
          const next =
            status === 200
              ? /"nextCursor":"([^"]+)"/.exec(body.slice(body.lastIndexOf('"nextCursor"')))?.[1]
              : undefined;
          depth++;
          if (next && depth < s.pagesPerWalk) cursor = next;
          else [cursor, depth, office] = [null, 0, (office + n) % s.offices.length];
        },
      };
    }
    case 'get': {
      let i = k * 7919; // connections start at different cases
      return {
        method: 'GET',
        setupRequest: (req: Request) => ({
          ...req,
          path: `/api/v1/cases/${s.caseIds[i++ % s.caseIds.length]}`,
          headers: { 'x-api-key': s.apiKey },
        }),
      };
    }
    case 'desk':
      return {
        method: 'GET',
        path: `/api/v1/tasks?limit=${s.limit}`,
        headers: { 'x-api-key': s.apiKey },
      };
    case 'hello':
      return { method: 'GET', path: '/hello' };
    case 'paths': {
      let i = k;
      return {
        method: 'GET',
        setupRequest: (req: Request) => ({
          ...req,
          path: s.paths[i++ % s.paths.length],
          headers: s.headers,
        }),
      };
    }
  }
}

/**
 * One autocannon run of warm-up + measured window; only responses after the warm-up count. (Two
 * runs would cut the warm-up's last requests off in flight and start the window with a cold reconnect.)
 */
async function main(spec: HttpLoadSpec): Promise<LoadResult> {
  const samples: number[] = [];
  const statuses: Record<string, number> = {};
  let total = 0;
  let errors = 0;
  let measuring = false;
  let cpu0 = process.cpuUsage();
  let t0 = 0;
  const warmUp = setTimeout(() => {
    measuring = true;
    cpu0 = process.cpuUsage();
    t0 = performance.now();
  }, spec.warmupS * 1000);
  await new Promise<autocannon.Result>((resolve, reject) => {
    const options = {
      url: spec.url,
      connections: spec.connections,
      duration: spec.warmupS + spec.durationS,
      timeout: 10,
      setupClient: clientSetup(spec.scenario, spec.connections),
    };
    const instance = autocannon(options, (error: Error | null, done: autocannon.Result) =>
      error ? reject(error) : resolve(done),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      total++;
      if (!measuring) return;
      if (status >= 200 && status < 300) samples.push(ms);
      else statuses[status] = (statuses[status] ?? 0) + 1;
    });
    instance.on('reqError', () => measuring && errors++);
  });
  clearTimeout(warmUp);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    ok: samples.length,
    errors: errors + Object.values(statuses).reduce((a, b) => a + b, 0),
    statuses,
    seconds,
    perSecond: samples.length / seconds,
    latency: latency(samples),
    totalOps: total,
    generatorCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

serve(main);
