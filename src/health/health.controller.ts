import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator';
import { AppError } from '../common/errors/app-error';
import { Database } from '../database/database';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(Database) private readonly database: Database) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  alive(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and all migrations are applied' })
  async ready(): Promise<{ status: 'ready'; database: 'server' | 'embedded' }> {
    if (!(await this.database.isReady())) {
      throw new AppError('database_unavailable', 'The database is not reachable or not migrated.');
    }
    return { status: 'ready', database: this.database.mode };
  }
}
