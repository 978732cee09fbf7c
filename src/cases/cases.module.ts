import { Module } from '@nestjs/common';
import { IdempotencyStore } from '../common/idempotency/idempotency.store';
import { CaseTransitionService } from './case-transition.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';

@Module({
  controllers: [CasesController],
  providers: [CasesService, CaseTransitionService, CasesRepository, IdempotencyStore],
  exports: [CasesRepository, CaseTransitionService],
})
export class CasesModule {}
