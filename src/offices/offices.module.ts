import { Module } from '@nestjs/common';
import { OfficesController } from './offices.controller';
import { OfficesRepository } from './offices.repository';
import { OfficesService } from './offices.service';

@Module({
  controllers: [OfficesController],
  providers: [OfficesService, OfficesRepository],
})
export class OfficesModule {}
