import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { Ctx, RequestContext } from '../auth/request-context';
import { UuidParam } from '../common/http/uuid-param';
import { ApiErrors } from '../openapi/api-errors.decorator';
import {
  DeclineTransferDto,
  RequestTransferDto,
  TransferDto,
  TransferListQueryDto,
  TransferPageDto,
} from './dto/transfer.dto';
import { TransfersService } from './transfers.service';

const TransferId = () => ApiParam({ name: 'id', description: 'The id of the transfer' });

@ApiTags('transfers')
@Controller()
export class TransfersController {
  constructor(@Inject(TransfersService) private readonly transfers: TransfersService) {}

  @Post('cases/:id/transfer')
  @ApiParam({ name: 'id', description: 'The id of the case' })
  @Access('case.transfer')
  @ApiOperation({
    summary: 'Hand a case over to another office',
    description:
      'Asks the receiving office to take the founder over, with ALL of their cases, contacts, tasks, follow-ups, ' +
      'histories and RE_SET analyses. Until its lead accepts or declines, everything of the founder is read-only ' +
      'for both offices (409 case_in_transfer). Advisors and leads of the case\u2019s office.',
  })
  @ApiCreatedResponse({ type: TransferDto, description: 'The open transfer' })
  @ApiErrors('not_found', 'transfer_target_invalid', 'case_in_transfer', 'founder_erased')
  request(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: RequestTransferDto,
  ): Promise<TransferDto> {
    return this.transfers.request(ctx, id, body);
  }

  @Get('transfers')
  @Access('case.transfer')
  @ApiOperation({
    summary: 'List transfers',
    description:
      'Transfers from (outgoing) or to (incoming) the caller\u2019s offices, newest request first, in keyset ' +
      'pages: pass nextCursor as cursor for the next one. Advisors and leads of either office.',
  })
  @ApiOkResponse({ type: TransferPageDto })
  list(@Ctx() ctx: RequestContext, @Query() query: TransferListQueryDto): Promise<TransferPageDto> {
    return this.transfers.list(ctx, query);
  }

  @Get('transfers/:id')
  @TransferId()
  @Access('case.transfer')
  @ApiOperation({
    summary: 'Read a transfer',
    description: 'Advisors and leads of the sending or the receiving office.',
  })
  @ApiOkResponse({ type: TransferDto })
  @ApiErrors('not_found')
  get(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<TransferDto> {
    return this.transfers.get(ctx, id);
  }

  @Post('transfers/:id/accept')
  @TransferId()
  @HttpCode(200)
  @Access('case.transfer.decide')
  @ApiOperation({
    summary: 'Accept a transfer',
    description:
      'The founder, all of their cases and analyses become the receiving office\u2019s, in one transaction; each ' +
      'case\u2019s chain gets a TRANSFER entry written in the sending office\u2019s name, whose rows keep counting ' +
      'for it (pseudonymised in its exports). Leads of the receiving office.',
  })
  @ApiOkResponse({ type: TransferDto, description: 'The accepted transfer' })
  @ApiErrors('not_found', 'transfer_decided')
  accept(@Ctx() ctx: RequestContext, @UuidParam('id') id: string): Promise<TransferDto> {
    return this.transfers.accept(ctx, id);
  }

  @Post('transfers/:id/decline')
  @TransferId()
  @HttpCode(200)
  @Access('case.transfer.decide')
  @ApiOperation({
    summary: 'Decline a transfer',
    description:
      'Nothing moves and the case is writable again; the access log of both offices keeps the decision. Leads ' +
      'of the receiving office.',
  })
  @ApiOkResponse({ type: TransferDto, description: 'The declined transfer' })
  @ApiErrors('not_found', 'transfer_decided')
  decline(
    @Ctx() ctx: RequestContext,
    @UuidParam('id') id: string,
    @Body() body: DeclineTransferDto,
  ): Promise<TransferDto> {
    return this.transfers.decline(ctx, id, body);
  }
}
