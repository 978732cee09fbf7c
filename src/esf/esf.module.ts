import { Module } from '@nestjs/common';
import { ExportSigner } from '../exports/export-signer';
import { ExportsRepository } from '../exports/exports.repository';
import { EsfExportService } from './esf-export.service';
import { EsfController, EsfReportsController } from './esf.controller';
import { EsfRepository } from './esf.repository';
import { EsfService } from './esf.service';

/** ESF Plus participant data (Regulation (EU) 2021/1057, Annex I): entry, exits, the export. */
@Module({
  controllers: [EsfController, EsfReportsController],
  providers: [EsfService, EsfRepository, EsfExportService, ExportSigner, ExportsRepository],
})
export class EsfModule {}
