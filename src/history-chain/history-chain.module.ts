import { Global, Module } from '@nestjs/common';
import { HistorySealer } from './history-sealer';

@Global()
@Module({ providers: [HistorySealer], exports: [HistorySealer] })
export class HistoryChainModule {}
