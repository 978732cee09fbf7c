import { Body, Controller, Delete, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { CreateOidcMappingDto, OidcMappingDto, OidcMappingListDto } from './dto/oidc-mapping.dto';
import { OidcMappingsService } from './oidc-mappings.service';

@ApiTags('oidc')
@Controller('oidc-mappings')
export class OidcMappingsController {
  constructor(@Inject(OidcMappingsService) private readonly mappings: OidcMappingsService) {}

  @Post()
  @Access('oidc_mappings.administer')
  @ApiOperation({
    summary: 'Map a provider group to an office role',
    description:
      'Users whose single sign-on token lists this value in its groups claim get the role in the office, ' +
      'from their next request on. A group the table does not know gives no access. Several groups with ' +
      'roles in one office: the strongest counts (lead > advisor > auditor).',
  })
  @ApiCreatedResponse({ type: OidcMappingDto, description: 'The new mapping' })
  @ApiErrors('office_unknown', 'oidc_mapping_exists')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateOidcMappingDto): Promise<OidcMappingDto> {
    return this.mappings.create(ctx, body);
  }

  @Get()
  @Access('oidc_mappings.administer')
  @ApiOperation({ summary: 'Every group mapping', description: 'Ordered by group, then office.' })
  @ApiOkResponse({ type: OidcMappingListDto, description: 'The mappings' })
  list(@Ctx() ctx: RequestContext): Promise<OidcMappingListDto> {
    return this.mappings.list(ctx);
  }

  @Delete(':id')
  @Access('oidc_mappings.administer')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a group mapping',
    description:
      'Effective at once: the next request of a user of that group no longer has the role.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors('not_found')
  delete(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<void> {
    return this.mappings.delete(ctx, id);
  }
}
