import { Module } from '@nestjs/common';
import { OfficeSettingsModule } from '../office-settings/office-settings.module';
import { TasksController } from './tasks.controller';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

/** The desk: tasks derived from the cases (GET /tasks); TasksService for the calendar feed. */
@Module({
  imports: [OfficeSettingsModule],
  controllers: [TasksController],
  providers: [TasksService, TasksRepository],
  exports: [TasksService],
})
export class TasksModule {}
