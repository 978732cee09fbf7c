import { Module } from '@nestjs/common';

/** Hand-over of a case between offices. */
@Module({})
export class TransfersModule {}
