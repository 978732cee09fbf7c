import { Module } from '@nestjs/common';
import { OfficeSettingsModule } from '../../office-settings/office-settings.module';
import { TasksRepository } from '../../tasks/tasks.repository';
import { TaskDueAnnouncer } from './task-due-announcer';

/**
 * The sources of the webhook events. All but task.due are triggers of the changes themselves
 * (migrations/1764117400000-WebhookEvents.ts); task.due is announced by a periodic sweep over the
 * derived tasks, with the desk's own query (TasksRepository, stateless, provided here too).
 */
@Module({
  imports: [OfficeSettingsModule],
  providers: [TaskDueAnnouncer, TasksRepository],
  exports: [TaskDueAnnouncer],
})
export class WebhookEventsModule {}
