import { Module } from '@nestjs/common';
import { OfficeSettingsRepository } from './office-settings.repository';

/** An office's deadline offsets and thresholds (GET/PUT /offices/:id/settings). */
@Module({
  providers: [OfficeSettingsRepository],
  exports: [OfficeSettingsRepository],
})
export class OfficeSettingsModule {}
