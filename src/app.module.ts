import { DynamicModule, Module } from '@nestjs/common';
import { AccessLogModule } from './access-log/access-log.module';
import { AuthModule } from './auth/auth.module';
import { CasesModule } from './cases/cases.module';
import { ExportsModule } from './exports/exports.module';
import { AppConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { FoundersModule } from './founders/founders.module';
import { HealthModule } from './health/health.module';
import { HistoryChainModule } from './history-chain/history-chain.module';
import { OfficesModule } from './offices/offices.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ResetModule } from './reset/reset.module';
import { UsersModule } from './users/users.module';
import { OfficeSettingsModule } from './office-settings/office-settings.module';
import { TasksModule } from './tasks/tasks.module';
import { ManualTasksModule } from './tasks/manual/manual-tasks.module';
import { FollowUpsModule } from './follow-ups/follow-ups.module';
import { CalendarFeedModule } from './calendar-feed/calendar-feed.module';
import { TransfersModule } from './transfers/transfers.module';
import { ReportsModule } from './reports/reports.module';
import { EsfModule } from './esf/esf.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(),
        AccessLogModule,
        HistoryChainModule,
        HealthModule,
        AuthModule,
        OfficesModule,
        UsersModule,
        FoundersModule,
        CasesModule,
        ExportsModule,
        PrivacyModule,
        ResetModule,
        OfficeSettingsModule,
        TasksModule,
        ManualTasksModule,
        FollowUpsModule,
        CalendarFeedModule,
        TransfersModule,
        ReportsModule,
        EsfModule,
        WebhooksModule,
      ],
    };
  }
}
