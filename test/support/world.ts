import { hashPassword } from '../../src/auth/password';
import { TokenService } from '../../src/auth/token.service';
import { startTestApp, TestApp } from './test-app';

export const PASSWORD = 'correct horse battery staple';

export type Persona =
  'admin' | 'leadA' | 'advisorA' | 'auditorA' | 'leadB' | 'advisorB' | 'auditorB' | 'nobody';

export interface World {
  officeA: string;
  officeB: string;
  users: Record<Persona, { id: string; email: string }>;
  tokens: Record<Persona, string>;
  /** Authorization header of a persona */
  as(persona: Persona): { Authorization: string };
}

let passwordHash: Promise<string> | null = null;

/**
 * Two offices (A = RUN Mainz, B = EXIS Zwickau) and one user per role in each, written with SQL
 * (fast) and given real tokens from the service's own TokenService.
 */
export async function seedWorld(t: TestApp): Promise<World> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const [a] = await t.db.query(
    `INSERT INTO office (code, name, region) VALUES ('RUN-MZ', 'RUN Mainz', 'Rheinhessen') RETURNING id`,
  );
  const [b] = await t.db.query(
    `INSERT INTO office (code, name, region) VALUES ('EXIS-Z', 'EXIS Zwickau', 'Sachsen') RETURNING id`,
  );
  const memberships: Record<Persona, [string, string] | null> = {
    admin: null,
    nobody: null,
    leadA: [a.id, 'lead'],
    advisorA: [a.id, 'advisor'],
    auditorA: [a.id, 'auditor'],
    leadB: [b.id, 'lead'],
    advisorB: [b.id, 'advisor'],
    auditorB: [b.id, 'auditor'],
  };
  const users = {} as World['users'];
  const tokens = {} as World['tokens'];
  const issuer = t.app.get(TokenService);
  for (const persona of Object.keys(memberships) as Persona[]) {
    const email = `${persona.toLowerCase()}@lotse.test`;
    const [u] = await t.db.query(
      `INSERT INTO app_user (email, name, password_hash, is_admin) VALUES ($1, $2, $3, $4) RETURNING id`,
      [email, persona, hash, persona === 'admin'],
    );
    const m = memberships[persona];
    if (m)
      await t.db.query(`INSERT INTO membership (user_id, office_id, role) VALUES ($1, $2, $3)`, [
        u.id,
        m[0],
        m[1],
      ]);
    users[persona] = { id: u.id, email };
    tokens[persona] = await issuer.issue(u.id);
  }
  return {
    officeA: a.id,
    officeB: b.id,
    users,
    tokens,
    as: (persona) => ({ Authorization: `Bearer ${tokens[persona]}` }),
  };
}

/**
 * A suite's app and world: a fresh app (startTestApp(env)) and the seeded world in beforeAll,
 * handed to `ready`; the app closed (its database dropped) in afterAll. A suite's own seeding
 * goes in a beforeAll registered after this call (Jest runs them in order).
 */
export function useSeededApp(
  ready: (t: TestApp, w: World) => void,
  env: Record<string, string> = {},
): void {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(env);
    ready(app, await seedWorld(app));
  });
  afterAll(() => app?.close());
}
