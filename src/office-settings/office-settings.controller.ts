import { Body, Controller, Get, Headers, Inject, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { parseIfMatch } from '../common/http/if-match';
import { UuidParam } from '../common/http/uuid-param';
import { AnswersWithVersionETag } from '../common/http/version-etag';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { ApiIfMatch, ETAG_HEADER } from '../openapi/headers';
import { OfficeSettingsDto, PutOfficeSettingsDto } from './dto/office-settings.dto';
import { OfficeSettingsService } from './office-settings.service';

const OfficeId = () => ApiParam({ name: 'id', description: 'The id of the office' });

@ApiTags('offices')
@Controller('offices/:id/settings')
export class OfficeSettingsController {
  constructor(@Inject(OfficeSettingsService) private readonly settings: OfficeSettingsService) {}

  @Get()
  @OfficeId()
  @Access('office_settings.administer')
  @ApiOperation({
    summary: 'An office\u2019s deadline offsets and thresholds',
    description:
      'Leads of the office and admins. The defaults (version 0) while the office has stored none. The tasks ' +
      'are derived when the desk is read, so a change takes effect on the next read.',
  })
  @ApiOkResponse({ type: OfficeSettingsDto, headers: ETAG_HEADER })
  @ApiErrors('not_found')
  @AnswersWithVersionETag()
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<OfficeSettingsDto> {
    return this.settings.get(ctx, id);
  }

  @Put()
  @OfficeId()
  @Access('office_settings.administer')
  @ApiOperation({
    summary: 'Replace an office\u2019s settings',
    description:
      'The whole object; each PUT is a new version (If-Match "0" while the defaults apply). A changed ' +
      'currentConsentVersion sets consentVersionSince to today (Europe/Berlin); otherwise it stays.',
  })
  @ApiIfMatch('settings')
  @ApiOkResponse({ type: OfficeSettingsDto, headers: ETAG_HEADER, description: 'As stored' })
  @ApiErrors('not_found', 'version_conflict')
  @AnswersWithVersionETag()
  put(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: PutOfficeSettingsDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<OfficeSettingsDto> {
    return this.settings.put(ctx, id, body, parseIfMatch(ifMatch));
  }
}
