import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { inTransaction } from '../database/transaction';
import { UsersRepository } from '../users/users.repository';
import { hashPassword } from './password';

/**
 * With LOTSE_ADMIN_EMAIL/LOTSE_ADMIN_PASSWORD set and no user in the database, creates the first
 * admin at start. Once any user exists the variables are ignored (they never reset a password).
 */
@Injectable()
export class FirstAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(UsersRepository) private readonly users: UsersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    if (await this.users.anyUserExists()) return;
    const passwordHash = await hashPassword(adminPassword);
    const created = await inTransaction(this.db, async (tx) => {
      // Two instances starting at once must not both create an admin.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('lotse:first-admin'))`);
      if (await this.users.anyUserExists(tx)) return false;
      await this.users.insert(tx, {
        email: adminEmail,
        name: 'Administrator',
        passwordHash,
        isAdmin: true,
      });
      return true;
    });
    if (created) this.logger.log('Created the first administrator from LOTSE_ADMIN_EMAIL');
  }
}
