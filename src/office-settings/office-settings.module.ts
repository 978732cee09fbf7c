import { Module } from '@nestjs/common';
import { OfficeSettingsController } from './office-settings.controller';
import { OfficeSettingsRepository } from './office-settings.repository';
import { OfficeSettingsService } from './office-settings.service';

/** An office's deadline offsets and thresholds (GET/PUT /offices/:id/settings). */
@Module({
  controllers: [OfficeSettingsController],
  providers: [OfficeSettingsRepository, OfficeSettingsService],
  exports: [OfficeSettingsRepository],
})
export class OfficeSettingsModule {}
