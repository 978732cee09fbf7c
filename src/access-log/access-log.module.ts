import { Global, Module } from '@nestjs/common';
import { AccessLogController } from './access-log.controller';
import { AccessLogRepository } from './access-log.repository';
import { AccessLogService } from './access-log.service';
import { ReadLogCommitter } from './read-log-committer';

@Global()
@Module({
  controllers: [AccessLogController],
  providers: [AccessLogService, AccessLogRepository, ReadLogCommitter],
  exports: [AccessLogService],
})
export class AccessLogModule {}
