import { Module } from '@nestjs/common';

/** An advisor's tasks as an iCalendar feed, behind a per-user feed token. */
@Module({})
export class CalendarFeedModule {}
