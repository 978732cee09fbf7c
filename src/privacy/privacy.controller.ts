import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { PrivacyService } from './privacy.service';

@ApiTags('founders')
@Controller('founders')
export class PrivacyController {
  constructor(@Inject(PrivacyService) private readonly privacy: PrivacyService) {}

  @Post(':id/erase')
  @HttpCode(200)
  @Access({ roles: ['lead'], admin: true })
  @ApiOperation({
    summary: 'Erase a founder\u2019s personal data and free texts (GDPR Art. 17)',
    description:
      'Keeps office, year of birth, gender and the phase history (whose chains still verify).',
  })
  erase(@Ctx() ctx: RequestContext, @UuidParam('id') id: string) {
    return this.privacy.erase(ctx, id);
  }

  // Not for admins as such: like GET /founders/:id, social data go only to the founder's office.
  @Get(':id/data-export')
  @Access({ roles: ['advisor', 'lead'] })
  @ApiOperation({ summary: 'Everything stored about a founder, as JSON (GDPR Art. 15)' })
  dataExport(@Ctx() ctx: RequestContext, @UuidParam('id') id: string) {
    return this.privacy.dataExport(ctx, id);
  }
}
