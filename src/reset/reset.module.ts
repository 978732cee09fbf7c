import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { StateChangeModule } from '../state-change/state-change.module';
import { ResetAnalysesService } from './reset-analyses.service';
import { ResetPeriodsRepository } from './reset-periods.repository';
import { ResetPeriodsService } from './reset-periods.service';
import { ResetRestartService } from './reset-restart.service';
import { ResetTransitionService } from './reset-transition.service';
import { ResetView } from './reset-view';
import { ResetController } from './reset.controller';
import { ResetRepository } from './reset.repository';

/** RE_SET as-is analyses. Imports cases for the restart, which writes through CasesRepository. */
@Module({
  imports: [CasesModule, StateChangeModule],
  controllers: [ResetController],
  providers: [
    ResetAnalysesService,
    ResetPeriodsService,
    ResetTransitionService,
    ResetRestartService,
    ResetView,
    ResetRepository,
    ResetPeriodsRepository,
  ],
})
export class ResetModule {}
