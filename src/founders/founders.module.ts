import { Module } from '@nestjs/common';
import { FoundersController, TargetSectorsController } from './founders.controller';
import { FoundersRepository } from './founders.repository';
import { FoundersService } from './founders.service';

@Module({
  controllers: [FoundersController, TargetSectorsController],
  providers: [FoundersService, FoundersRepository],
})
export class FoundersModule {}
