import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on through an OpenID Connect provider.
 *
 * oidc_mapping: a value of the provider's groups claim gives a role in an office; admins maintain
 * it. Like membership it is read before any office is known (to authenticate), so it is not under
 * row-level security; it holds group names and ids, no social data.
 *
 * app_user: a user signed in through the provider is found by (oidc_issuer, oidc_subject), the
 * token's iss and sub. Such a user may have no password, so password_hash becomes nullable; every
 * user keeps at least one way to sign in.
 */
export class OidcSignIn1764117500000 implements MigrationInterface {
  name = 'OidcSignIn1764117500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_mapping (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_value text NOT NULL CHECK (length(claim_value) BETWEEN 1 AND 200),
        office_id uuid NOT NULL REFERENCES office (id),
        role text NOT NULL CHECK (role IN ('advisor', 'lead', 'auditor')),
        created_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (claim_value, office_id)
      )`);
    await q.query(`CREATE INDEX oidc_mapping_office_idx ON oidc_mapping (office_id)`);

    await q.query(`ALTER TABLE app_user ADD COLUMN oidc_issuer text, ADD COLUMN oidc_subject text`);
    await q.query(`ALTER TABLE app_user ALTER COLUMN password_hash DROP NOT NULL`);
    await q.query(`
      ALTER TABLE app_user
        ADD CONSTRAINT app_user_oidc_pair CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
        ADD CONSTRAINT app_user_can_sign_in CHECK (password_hash IS NOT NULL OR oidc_subject IS NOT NULL)`);
    await q.query(
      `CREATE UNIQUE INDEX app_user_oidc_identity_key ON app_user (oidc_issuer, oidc_subject)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX app_user_oidc_identity_key`);
    await q.query(
      `ALTER TABLE app_user DROP CONSTRAINT app_user_can_sign_in, DROP CONSTRAINT app_user_oidc_pair`,
    );
    // Users who only ever signed in through the provider keep their rows (cases refer to them),
    // with a hash that no password matches.
    await q.query(`UPDATE app_user SET password_hash = '!' WHERE password_hash IS NULL`);
    await q.query(`ALTER TABLE app_user ALTER COLUMN password_hash SET NOT NULL`);
    await q.query(`ALTER TABLE app_user DROP COLUMN oidc_subject, DROP COLUMN oidc_issuer`);
    await q.query(`DROP TABLE oidc_mapping`);
  }
}
