import { Module } from '@nestjs/common';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { StateChange } from './state-change';

/** The skeleton of every state change; imported by each feature whose records run a machine. */
@Module({
  providers: [StateChange, IdempotencyStore],
  exports: [StateChange],
})
export class StateChangeModule {}
