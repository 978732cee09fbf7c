import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sign-in reserves its row in auth_failure before the password is verified, so that parallel
 * attempts cannot all pass the throttle. `pending` marks a reservation whose verification is still
 * running: it counts against the limit, but frees its slot soon (Retry-After says so). Rows from
 * before this migration are settled failures.
 */
export class SignInReservations1764116100000 implements MigrationInterface {
  name = 'SignInReservations1764116100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_failure ADD COLUMN pending boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_failure DROP COLUMN pending`);
  }
}
