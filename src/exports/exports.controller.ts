import { Readable } from 'node:stream';
import {
  applyDecorators,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SIGNED_IN } from '../auth/office-scope';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { EXPORT_ID_HEADER } from '../openapi/headers';
import { ExportQueryDto, VerifyQueryDto } from './dto/export-query.dto';
import {
  ExportManifestDto,
  ManifestCheckDto,
  PublicKeyDto,
  VerifyResultDto,
} from './dto/export-results.dto';
import { ExportSigner } from './export-signer';
import { PhaseHistoryExportService } from './phase-history-export.service';
import { EXPORT_UPLOAD_TYPES, formatOf } from './upload-types';
import { verifyExport } from './verify/verify-export';

/** The bytes of an export file in each of its formats (text for CSV and NDJSON, binary XLSX). */
const EXPORT_FILE_CONTENT = {
  [EXPORT_UPLOAD_TYPES.csv]: {
    schema: { type: 'string', description: 'CSV with a header row (UTF-8)' },
  },
  [EXPORT_UPLOAD_TYPES.ndjson]: {
    schema: { type: 'string', description: 'One JSON object per line (UTF-8)' },
  },
  [EXPORT_UPLOAD_TYPES.xlsx]: {
    schema: { type: 'string', format: 'binary', description: 'One worksheet with a header row' },
  },
} as const;

/** The 200 of a streamed export: the file in the asked format, its export id and file name. */
function ApiExportFile(): MethodDecorator {
  return applyDecorators(
    ApiOkResponse({
      description:
        'The file, streamed in the format asked for; its signed manifest is stored once the last row is sent',
      headers: {
        ...EXPORT_ID_HEADER,
        'Content-Disposition': {
          description: 'attachment; filename="<kind>-<exportId>.<format>"',
          schema: { type: 'string' },
        },
      },
      content: EXPORT_FILE_CONTENT,
    }),
    ApiErrors('not_found'),
  );
}

@ApiTags('exports')
@ApiExtraModels(ManifestCheckDto)
@Controller('exports')
export class ExportsController {
  constructor(
    @Inject(PhaseHistoryExportService) private readonly exports: PhaseHistoryExportService,
    @Inject(ExportSigner) private readonly signer: ExportSigner,
  ) {}

  @Get('phase-history')
  @Access('exports.read')
  @ApiOperation({
    summary: 'Stream the phase history of every case in scope (pseudonymised by default)',
    description:
      'Auditors and leads, over the offices in which they hold one of those roles (or the one officeId). ' +
      'Ordered by case and sequence, from one consistent snapshot. X-Export-Id names the signed manifest ' +
      '(GET /exports/{id}/manifest). Real ids and free texts: leads of every office in the export only.',
  })
  @ApiExportFile()
  async phaseHistory(
    @Ctx() ctx: RequestContext,
    @Query() query: ExportQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.exports.stream(ctx, query, reply);
  }

  @Get('reset-history')
  @Access('exports.read')
  @ApiOperation({
    summary:
      'Stream the lifecycle history of every RE_SET analysis in scope (pseudonymised by default)',
    description:
      'Ordered by analysis and sequence, with the same query, scope, manifest and verification as the phase history.',
  })
  @ApiExportFile()
  async resetHistory(
    @Ctx() ctx: RequestContext,
    @Query() query: ExportQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.exports.stream(ctx, query, reply, 'reset-history');
  }

  @Get('public-key')
  @Access(SIGNED_IN)
  @ApiOperation({ summary: 'The Ed25519 public key that verifies export manifests' })
  @ApiOkResponse({ type: PublicKeyDto, description: 'The current signing key' })
  publicKey(): PublicKeyDto {
    return {
      algorithm: 'Ed25519',
      keyId: this.signer.keyId,
      publicKeyPem: this.signer.publicKeyPem,
    };
  }

  @Get(':id/manifest')
  @Access('exports.read')
  @ApiOperation({
    summary: 'The signed manifest of an export, with its chain heads',
    description:
      'Auditors and leads of every office the export covered; an export that did not complete has none.',
  })
  @ApiOkResponse({ type: ExportManifestDto, description: 'The manifest' })
  @ApiErrors('not_found')
  async manifest(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
  ): Promise<ExportManifestDto> {
    const manifest = await this.exports.manifest(ctx, id);
    if (!manifest) throw new AppError('not_found', 'No such export (or it did not complete).');
    return manifest;
  }

  @Post('verify')
  @HttpCode(200)
  @Access(SIGNED_IN)
  @ApiOperation({
    summary: 'Verify an uploaded export file',
    description:
      'Streams the upload (no size limit) and recomputes every hash chain and the file\u2019s SHA-256; with ' +
      'exportId also checks it against that export\u2019s signed manifest. The format comes from the ' +
      'Content-Type unless ?format names it. A file that is not valid reports a broken chain, not an error.',
    requestBody: {
      required: true,
      description: 'The export file as downloaded',
      content: EXPORT_FILE_CONTENT,
    },
  })
  @ApiOkResponse({ type: VerifyResultDto, description: 'The verification (valid or not)' })
  @ApiErrors('not_found', 'unsupported_media_type')
  async verify(
    @Ctx() ctx: RequestContext,
    @Query() query: VerifyQueryDto,
    @Req() request: FastifyRequest,
  ): Promise<VerifyResultDto> {
    const format = query.format ?? formatOf(request.headers['content-type']);
    if (!format || !(request.body instanceof Readable)) {
      throw new AppError(
        'unsupported_media_type',
        'Upload the export as text/csv, application/x-ndjson or xlsx.',
      );
    }
    let manifest;
    if (query.exportId) {
      const stored = await this.exports.manifest(ctx, query.exportId);
      if (!stored) throw new AppError('not_found', 'No such export.');
      manifest = { manifest: stored, publicKeyPem: this.signer.publicKeyPem };
    }
    return verifyExport(request.body, format, manifest);
  }
}
