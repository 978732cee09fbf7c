import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access.decorator';
import { officesWithRole } from '../auth/principal';
import { Ctx, RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { UuidParam } from '../common/http/uuid-param';
import { ExportQueryDto, VerifyQueryDto } from './dto/export-query.dto';
import { ExportSigner } from './export-signer';
import { ExportsRepository } from './exports.repository';
import { PhaseHistoryExportService } from './phase-history-export.service';
import { EXPORT_UPLOAD_TYPES, formatOf } from './upload-types';
import { verifyExport } from './verify/verify-export';

const EXPORTERS = { roles: ['auditor', 'lead'] } as const;

@ApiTags('exports')
@Controller('exports')
export class ExportsController {
  constructor(
    @Inject(PhaseHistoryExportService) private readonly exports: PhaseHistoryExportService,
    @Inject(ExportsRepository) private readonly manifests: ExportsRepository,
    @Inject(ExportSigner) private readonly signer: ExportSigner,
  ) {}

  @Get('phase-history')
  @Access(EXPORTERS)
  @ApiOperation({
    summary: 'Stream the phase history of every case in scope (pseudonymised by default)',
    description: 'Ordered by case and sequence, from one consistent snapshot. X-Export-Id names the signed manifest.',
  })
  @ApiProduces('text/csv', 'application/x-ndjson', EXPORT_UPLOAD_TYPES.xlsx)
  async phaseHistory(@Ctx() ctx: RequestContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply): Promise<void> {
    await this.exports.stream(ctx, query, reply);
  }

  @Get('reset-history')
  @Access(EXPORTERS)
  @ApiOperation({
    summary: 'Stream the lifecycle history of every RE_SET analysis in scope (pseudonymised by default)',
    description: 'Ordered by analysis and sequence, with the same query, manifest and verification as the phase history.',
  })
  @ApiProduces('text/csv', 'application/x-ndjson', EXPORT_UPLOAD_TYPES.xlsx)
  async resetHistory(@Ctx() ctx: RequestContext, @Query() query: ExportQueryDto, @Res() reply: FastifyReply): Promise<void> {
    await this.exports.stream(ctx, query, reply, 'reset-history');
  }

  @Get('public-key')
  @Access({ anyone: true })
  @ApiOperation({ summary: 'The Ed25519 public key that verifies export manifests' })
  publicKey() {
    return { algorithm: 'Ed25519', keyId: this.signer.keyId, publicKeyPem: this.signer.publicKeyPem };
  }

  @Get(':id/manifest')
  @Access(EXPORTERS)
  @ApiOperation({ summary: 'The signed manifest of an export' })
  async manifest(@Ctx() ctx: RequestContext, @UuidParam('id') id: string) {
    const manifest = await this.manifests.find(id, officesWithRole(ctx.actor, ['auditor', 'lead']));
    if (!manifest) throw new AppError('not_found', 'No such export (or it did not complete).');
    return manifest;
  }

  @Post('verify')
  @HttpCode(200)
  @Access({ anyone: true })
  @ApiConsumes('text/csv', 'application/x-ndjson', EXPORT_UPLOAD_TYPES.xlsx)
  @ApiOperation({ summary: 'Verify an uploaded export file (streaming): every chain, and with exportId its manifest' })
  async verify(@Ctx() ctx: RequestContext, @Query() query: VerifyQueryDto, @Req() request: FastifyRequest) {
    const format = query.format ?? formatOf(request.headers['content-type']);
    if (!format || !(request.body instanceof Readable)) {
      throw new AppError('unsupported_media_type', 'Upload the export as text/csv, application/x-ndjson or xlsx.');
    }
    let manifest;
    if (query.exportId) {
      const stored = await this.manifests.find(query.exportId, officesWithRole(ctx.actor, ['auditor', 'lead']));
      if (!stored) throw new AppError('not_found', 'No such export.');
      manifest = { manifest: stored, publicKeyPem: this.signer.publicKeyPem };
    }
    return verifyExport(request.body, format, manifest);
  }
}
