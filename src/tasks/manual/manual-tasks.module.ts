import { Module } from '@nestjs/common';

/** Manual tasks (Wiedervorlage) on a case. */
@Module({})
export class ManualTasksModule {}
