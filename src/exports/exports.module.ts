import { Module } from '@nestjs/common';
import { ExportSigner } from './export-signer';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { PhaseHistoryExportService } from './phase-history-export.service';

@Module({
  controllers: [ExportsController],
  providers: [PhaseHistoryExportService, ExportsRepository, ExportSigner],
})
export class ExportsModule {}
