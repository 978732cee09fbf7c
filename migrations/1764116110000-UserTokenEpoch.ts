import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A counter per user that every token carries: a password change, a deactivation and a
 * reactivation raise it, and a token whose counter differs is refused. A counter rather than a
 * timestamp, because a token's iat has whole seconds and two changes can fall into one second.
 */
export class UserTokenEpoch1764116110000 implements MigrationInterface {
  name = 'UserTokenEpoch1764116110000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN token_epoch integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN token_epoch`);
  }
}
