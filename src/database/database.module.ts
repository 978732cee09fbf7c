import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Database } from './database';
import { OfficeDb } from './office-transaction';
import { ReadReplica } from './replica-db';
import { ReplicaOfficeDb } from './replica-office-db';

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(ReadReplica) private readonly replica: ReadReplica,
  ) {}

  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: Database,
          useFactory: (config: AppConfig) => Database.open(config),
          inject: [APP_CONFIG],
        },
        { provide: DataSource, useFactory: (db: Database) => db.dataSource, inject: [Database] },
        OfficeDb,
        // DATABASE_READ_URL's standby (or none): exports, reports and the desk's lists read there.
        {
          provide: ReadReplica,
          useFactory: (config: AppConfig, db: Database) => ReadReplica.open(config, db.dataSource),
          inject: [APP_CONFIG, Database],
        },
        ReplicaOfficeDb,
      ],
      exports: [Database, DataSource, OfficeDb, ReadReplica, ReplicaOfficeDb],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.replica.close();
    await this.database.close();
  }
}
