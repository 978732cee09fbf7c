import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { TransfersController } from './transfers.controller';
import { TransfersRepository } from './transfers.repository';
import { TransfersService } from './transfers.service';

/** Hand-over of a case between offices. Imports cases for the case lock. */
@Module({
  imports: [CasesModule],
  controllers: [TransfersController],
  providers: [TransfersService, TransfersRepository],
})
export class TransfersModule {}
