import { Body, Controller, Delete, Get, HttpCode, Inject, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { CreateApiKeyDto, CreatedApiKeyDto, CreateOfficeDto, OfficeDto, UpdateOfficeDto } from './dto/office.dto';
import { OfficesService } from './offices.service';

@ApiTags('offices')
@Controller('offices')
export class OfficesController {
  constructor(@Inject(OfficesService) private readonly offices: OfficesService) {}

  @Post()
  @Access({ admin: true })
  @ApiOperation({ summary: 'Create an office' })
  @ApiCreatedResponse({ type: OfficeDto })
  create(@Ctx() ctx: RequestContext, @Body() body: CreateOfficeDto): Promise<OfficeDto> {
    return this.offices.create(ctx, body);
  }

  @Get()
  @Access({ anyone: true })
  @ApiOperation({ summary: 'The offices the caller belongs to (admins: all)' })
  list(@Ctx() ctx: RequestContext) {
    return this.offices.list(ctx);
  }

  @Get(':id')
  @Access({ roles: ['advisor', 'lead', 'auditor'], admin: true })
  @ApiOkResponse({ type: OfficeDto })
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<OfficeDto> {
    return this.offices.get(ctx, id);
  }

  @Patch(':id')
  @Access({ admin: true })
  @ApiOkResponse({ type: OfficeDto })
  update(@Ctx() ctx: RequestContext, @UuidParam('id') id: string, @Body() body: UpdateOfficeDto): Promise<OfficeDto> {
    return this.offices.update(ctx, id, body);
  }

  @Post(':officeId/api-keys')
  @Access({ roles: ['lead'], admin: true })
  @ApiOperation({ summary: 'Create an API key for an integrated frontend; the key is shown this once' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  createApiKey(@Ctx() ctx: RequestContext, @UuidParam('officeId') officeId: string, @Body() body: CreateApiKeyDto) {
    return this.offices.createApiKey(ctx, officeId, body);
  }

  @Get(':officeId/api-keys')
  @Access({ roles: ['lead'], admin: true })
  @ApiOperation({ summary: 'The office\u2019s API keys, without secrets' })
  listApiKeys(@Ctx() ctx: RequestContext, @UuidParam('officeId') officeId: string) {
    return this.offices.listApiKeys(ctx, officeId);
  }

  @Delete(':officeId/api-keys/:id')
  @Access({ roles: ['lead'], admin: true })
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (effective at once)' })
  @ApiNoContentResponse()
  revokeApiKey(@Ctx() ctx: RequestContext, @UuidParam('officeId') officeId: string, @UuidParam('id') id: string) {
    return this.offices.revokeApiKey(ctx, officeId, id);
  }
}
