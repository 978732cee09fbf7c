import { Module } from '@nestjs/common';
import { CasesModule } from '../../cases/cases.module';
import { ManualTasksController } from './manual-tasks.controller';
import { ManualTasksRepository } from './manual-tasks.repository';
import { ManualTasksService } from './manual-tasks.service';

/** Manual tasks (Wiedervorlage) on a case. */
@Module({
  imports: [CasesModule],
  controllers: [ManualTasksController],
  providers: [ManualTasksService, ManualTasksRepository],
})
export class ManualTasksModule {}
