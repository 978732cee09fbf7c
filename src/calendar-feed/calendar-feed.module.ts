import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OfficeSettingsModule } from '../office-settings/office-settings.module';
import { TasksModule } from '../tasks/tasks.module';
import { CalendarFeedController } from './calendar-feed.controller';
import { CalendarFeedService } from './calendar-feed.service';
import { FeedTokensController } from './feed-tokens.controller';
import { FeedTokensRepository } from './feed-tokens.repository';
import { FeedTokensService } from './feed-tokens.service';

/** An advisor's tasks as an iCalendar feed, behind a per-user feed token. */
@Module({
  imports: [AuthModule, TasksModule, OfficeSettingsModule],
  controllers: [FeedTokensController, CalendarFeedController],
  providers: [FeedTokensRepository, FeedTokensService, CalendarFeedService],
})
export class CalendarFeedModule {}
