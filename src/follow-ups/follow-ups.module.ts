import { Module } from '@nestjs/common';

/** Follow-ups after exit (the ESF 6-month result), written with their case history row. */
@Module({})
export class FollowUpsModule {}
