import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Database } from './database';
import { OfficeDb } from './office-transaction';

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}

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
      ],
      exports: [Database, DataSource, OfficeDb],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
