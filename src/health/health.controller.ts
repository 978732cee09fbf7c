import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator';
import { AppError } from '../common/errors/app-error';
import { Database } from '../database/database';
import { HealthDto, ReadinessDto } from './dto/health.dto';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(Database) private readonly database: Database) {}

  @Get()
  @ApiOperation({
    summary: 'Liveness: the process answers',
    description: 'Does not touch the database: restart the process only when this fails.',
  })
  @ApiOkResponse({ type: HealthDto, description: 'Alive' })
  alive(): HealthDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: the database answers and all migrations are applied',
    description:
      'Send traffic to the instance only while this answers 200; 503 while the database is away or behind.',
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'Ready for traffic' })
  async ready(): Promise<ReadinessDto> {
    if (!(await this.database.isReady())) {
      throw new AppError('database_unavailable', 'The database is not reachable or not migrated.');
    }
    return { status: 'ready', database: this.database.mode };
  }
}
