import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credential cache (src/auth/credential-cache.ts) keeps API-key and user principals in memory;
 * these triggers tell every instance when one of them changes, through NOTIFY on the channel
 * lotse_credentials. PostgreSQL sends a notification when (and only if) its transaction commits.
 * The payload names the credential only by its id ('api_key:<id>', 'user:<id>'), nothing personal.
 *
 * - api_key: any update (revocation) or delete;
 * - app_user: a change of what a principal is made of or may be: active, token epoch, password,
 *   administrator; or a delete;
 * - membership: any insert, update or delete (the user's offices and roles).
 * The user trigger function takes the column with the user's id as its argument (id, user_id).
 */
export class CredentialNotify1764117600000 implements MigrationInterface {
  name = 'CredentialNotify1764117600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_credential_api_key() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('lotse_credentials', 'api_key:' || OLD.id::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION notify_credential_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          PERFORM pg_notify('lotse_credentials', 'user:' || (to_jsonb(OLD) ->> TG_ARGV[0]));
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          PERFORM pg_notify('lotse_credentials', 'user:' || (to_jsonb(NEW) ->> TG_ARGV[0]));
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER api_key_credential_notify AFTER UPDATE OR DELETE ON api_key
        FOR EACH ROW EXECUTE FUNCTION notify_credential_api_key()`);
    await q.query(`
      CREATE TRIGGER app_user_credential_notify AFTER UPDATE ON app_user
        FOR EACH ROW WHEN (OLD.is_active IS DISTINCT FROM NEW.is_active
                        OR OLD.token_epoch IS DISTINCT FROM NEW.token_epoch
                        OR OLD.password_hash IS DISTINCT FROM NEW.password_hash
                        OR OLD.is_admin IS DISTINCT FROM NEW.is_admin)
        EXECUTE FUNCTION notify_credential_user('id')`);
    await q.query(`
      CREATE TRIGGER app_user_credential_notify_delete AFTER DELETE ON app_user
        FOR EACH ROW EXECUTE FUNCTION notify_credential_user('id')`);
    await q.query(`
      CREATE TRIGGER membership_credential_notify AFTER INSERT OR UPDATE OR DELETE ON membership
        FOR EACH ROW EXECUTE FUNCTION notify_credential_user('user_id')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER membership_credential_notify ON membership`);
    await q.query(`DROP TRIGGER app_user_credential_notify_delete ON app_user`);
    await q.query(`DROP TRIGGER app_user_credential_notify ON app_user`);
    await q.query(`DROP TRIGGER api_key_credential_notify ON api_key`);
    await q.query(`DROP FUNCTION notify_credential_user()`);
    await q.query(`DROP FUNCTION notify_credential_api_key()`);
  }
}
