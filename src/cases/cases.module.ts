import { Module } from '@nestjs/common';
import { StateChangeModule } from '../state-change/state-change.module';
import { CaseTransitionService } from './case-transition.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';

@Module({
  imports: [StateChangeModule],
  controllers: [CasesController],
  providers: [CasesService, CaseTransitionService, CasesRepository],
  exports: [CasesRepository, CaseTransitionService],
})
export class CasesModule {}
