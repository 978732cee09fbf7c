import { Module } from '@nestjs/common';

/** The desk: tasks derived from the cases (GET /tasks). */
@Module({})
export class TasksModule {}
