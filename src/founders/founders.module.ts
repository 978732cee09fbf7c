import { Module } from '@nestjs/common';
import { FoundersController, TargetSectorsController } from './founders.controller';
import { FoundersRepository } from './founders.repository';
import { FoundersService } from './founders.service';

@Module({
  controllers: [FoundersController, TargetSectorsController],
  providers: [FoundersService, FoundersRepository],
  // Cases look founders up (office-scoped) through the repository.
  exports: [FoundersRepository],
})
export class FoundersModule {}
