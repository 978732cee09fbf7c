import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { FollowUpsController } from './follow-ups.controller';
import { FollowUpsRepository } from './follow-ups.repository';
import { FollowUpsService } from './follow-ups.service';

/** Follow-ups after exit (the ESF 6-month result), written with their case history row. */
@Module({
  imports: [CasesModule],
  controllers: [FollowUpsController],
  providers: [FollowUpsService, FollowUpsRepository, IdempotencyStore],
})
export class FollowUpsModule {}
