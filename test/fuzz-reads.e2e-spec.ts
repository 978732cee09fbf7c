import fc from 'fast-check';
import { registeredRoutes } from '../src/app.factory';
import {
  bodyArb,
  FuzzRoute,
  FuzzWorld,
  fuzzableRoutes,
  isWrite,
  seedFuzzWorld,
  walkRoutes,
} from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

describe('fuzzing every read route', () => {
  let t: TestApp;
  let w: World;
  let fw: FuzzWorld;
  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    fw = await seedFuzzWorld(t, w);
  });

  it('never answers 5xx, answers every 4xx as problem+json, and a read stores nothing', async () => {
    const routes = fuzzableRoutes(registeredRoutes(t.app)).filter((r) => !isWrite(r));
    expect(routes.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(20);
    expect(routes.map((r) => r.url)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
    // Reads take no body; some clients send one anyway.
    const body = fc.oneof(
      { weight: 6, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: bodyArb(undefined) },
    );
    const bodyFor = (route: FuzzRoute) => (route.method === 'HEAD' ? fc.constant({}) : body);
    // Most effort where the input surface is: list routes with query parameters.
    const runs = (route: FuzzRoute) =>
      route.method !== 'GET'
        ? 3
        : (fw.queryParams.get(`GET ${route.url}`) ?? []).length > 0
          ? 50
          : 12;
    const failures = await walkRoutes(t, w, fw, routes, runs, bodyFor);
    expect(failures).toEqual([]);
  }, 180_000);
});
