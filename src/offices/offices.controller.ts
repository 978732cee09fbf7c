import { Body, Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { SIGNED_IN } from '../auth/office-scope';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import {
  ApiKeyListDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  CreateOfficeDto,
  OfficeDto,
  OfficeListDto,
  UpdateOfficeDto,
} from './dto/office.dto';
import { OfficesService } from './offices.service';

@ApiTags('offices')
@Controller('offices')
export class OfficesController {
  constructor(@Inject(OfficesService) private readonly offices: OfficesService) {}

  @Post()
  @Access('offices.administer')
  @ApiOperation({
    summary: 'Create an office',
    description: 'Administrators only. The code must be unused (compared case-insensitively).',
  })
  @ApiCreatedResponse({ type: OfficeDto, description: 'The new office' })
  @ApiErrors('office_code_taken')
  create(@Ctx() ctx: RequestContext, @Body() body: CreateOfficeDto): Promise<OfficeDto> {
    return this.offices.create(ctx, body);
  }

  @Get()
  @Access(SIGNED_IN)
  @ApiOperation({ summary: 'The offices the caller belongs to (admins: all), by code' })
  @ApiOkResponse({ type: OfficeListDto, description: 'The offices' })
  list(@Ctx() ctx: RequestContext): Promise<OfficeListDto> {
    return this.offices.list(ctx);
  }

  @Get(':id')
  @Access('offices.read')
  @ApiOperation({
    summary: 'One office',
    description: 'Members of the office and admins; any other office is not found.',
  })
  @ApiOkResponse({ type: OfficeDto, description: 'The office' })
  @ApiErrors('not_found')
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<OfficeDto> {
    return this.offices.get(ctx, id);
  }

  @Patch(':id')
  @Access('offices.administer')
  @ApiOperation({
    summary: 'Rename an office, change its code or region',
    description: 'Administrators only.',
  })
  @ApiOkResponse({ type: OfficeDto, description: 'The office as changed' })
  @ApiErrors('not_found', 'office_code_taken')
  update(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: UpdateOfficeDto,
  ): Promise<OfficeDto> {
    return this.offices.update(ctx, id, body);
  }

  @Post(':officeId/api-keys')
  @Access('api_keys.administer')
  @ApiOperation({
    summary: 'Create an API key for an integrated frontend',
    description:
      'Leads of the office and admins. The answer holds the key itself, this once: only its hash is stored. ' +
      'Send it as X-API-Key; it acts with its one role in this office.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The new key with its secret' })
  @ApiErrors('not_found')
  createApiKey(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyDto> {
    return this.offices.createApiKey(ctx, officeId, body);
  }

  @Get(':officeId/api-keys')
  @Access('api_keys.administer')
  @ApiOperation({
    summary: 'The office\u2019s API keys, without secrets',
    description: 'Leads of the office and admins; revoked keys included.',
  })
  @ApiOkResponse({ type: ApiKeyListDto, description: 'The keys' })
  @ApiErrors('not_found')
  listApiKeys(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
  ): Promise<ApiKeyListDto> {
    return this.offices.listApiKeys(ctx, officeId);
  }

  @Delete(':officeId/api-keys/:id')
  @Access('api_keys.administer')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'Effective at once: the next request with the key is refused. Revoking a revoked key again changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors('not_found')
  revokeApiKey(
    @Ctx() ctx: RequestContext,
    @UuidParam('officeId') officeId: string,
    @UuidParam('id') id: string,
  ): Promise<void> {
    return this.offices.revokeApiKey(ctx, officeId, id);
  }
}
