import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { DataSubjectExportDto } from './dto/data-export.dto';
import { ErasureResultDto } from './dto/erasure.dto';
import { PrivacyService } from './privacy.service';

@ApiTags('founders')
@Controller('founders')
export class PrivacyController {
  constructor(@Inject(PrivacyService) private readonly privacy: PrivacyService) {}

  @Post(':id/erase')
  @HttpCode(200)
  @Access('founder.erase')
  @ApiOperation({
    summary: 'Erase a founder\u2019s personal data and free texts (GDPR Art. 17)',
    description:
      'Erases, in one transaction, the person\u2019s data and every free text about them in their ' +
      'cases, contacts, phase histories and RE_SET analyses. Keeps a pseudonymous skeleton: the ' +
      'office, year of birth, gender, codes and dates, and the history entries (whose hash chains ' +
      'still verify). The founder is then gone from every founder route, and their cases take no ' +
      'new entries. For leads of the founder\u2019s office and admins; an erased founder answers 404.',
  })
  @ApiOkResponse({ type: ErasureResultDto, description: 'The founder was erased' })
  @ApiErrors('not_found', 'case_in_transfer')
  erase(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<ErasureResultDto> {
    return this.privacy.erase(ctx, id);
  }

  // Not for admins as such: like GET /founders/:id, social data go only to the founder's office.
  @Get(':id/data-export')
  @Access('founder.subject_access')
  @ApiOperation({
    summary: 'Everything stored about a founder, as JSON (GDPR Art. 15)',
    description:
      'The stored rows about the person, column by column: the founder, their cases, phase ' +
      'histories with their free texts, contacts, RE_SET analyses with EKS periods and histories, ' +
      'the accesses to these records and any erasure. Also for an erased founder. For advisors ' +
      'and leads of the founder\u2019s office; written to the access log.',
  })
  @ApiOkResponse({ type: DataSubjectExportDto, description: 'Everything stored about the founder' })
  @ApiErrors('not_found')
  dataExport(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
  ): Promise<DataSubjectExportDto> {
    return this.privacy.dataExport(ctx, id);
  }
}
