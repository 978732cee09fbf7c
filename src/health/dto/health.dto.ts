import { ApiProperty, ApiSchema } from '@nestjs/swagger';

export const DATABASE_MODES = ['server', 'embedded'] as const;
export type DatabaseMode = (typeof DATABASE_MODES)[number];

@ApiSchema({ name: 'Health', description: 'The process answers' })
export class HealthDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
}

@ApiSchema({
  name: 'Readiness',
  description: 'The database answers and every migration is applied',
})
export class ReadinessDto {
  @ApiProperty({ enum: ['ready'], example: 'ready' }) status: 'ready';
  @ApiProperty({
    enum: DATABASE_MODES,
    enumName: 'DatabaseMode',
    description:
      'server: a PostgreSQL server; embedded: the built-in database of a single instance',
  })
  database: DatabaseMode;
}
