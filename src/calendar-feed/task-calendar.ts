import ical, { type ICalEventData } from 'ical-generator';
import type { OfficeSettings } from '../office-settings/office-settings';
import type { Task, TaskKind } from '../tasks/task';

/**
 * What an event calls each kind of task. Short English labels: a calendar shows only the start
 * of a summary, and the summary is all a lock screen shows of it.
 */
export const TASK_KIND_LABELS: Record<TaskKind, string> = {
  eks_final_declaration: 'Final EKS declaration',
  first_counselling_overdue: 'First counselling overdue',
  follow_up_6_months: '6-month follow-up',
  funding_application_before_start: 'Funding application before start',
  einstiegsgeld_ends: 'Einstiegsgeld ends',
  stale_case: 'Stale case',
  consent_review: 'Consent review',
  manual: 'Follow-up (Wiedervorlage)',
};

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const PLAIN_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The day after `day` (YYYY-MM-DD): an all-day event's exclusive DTEND. */
function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** A reference a person recognises in the office's frontend, without naming anyone. */
function reference(task: Task): string | null {
  if (task.caseId) return `case ${task.caseId.slice(0, 8)}`;
  if (task.analysisId) return `analysis ${task.analysisId.slice(0, 8)}`;
  return null;
}

export function summaryOf(task: Task): string {
  const ref = reference(task);
  return ref ? `${TASK_KIND_LABELS[task.kind]} · ${ref}` : TASK_KIND_LABELS[task.kind];
}

/**
 * Codes and dates only. A manual task's title is free text (it may name the founder), so it never
 * appears; neither does the rule of a manual task, whose wording is not ours to vouch for. Dates
 * and settings pass only in their plain shapes, so nothing else can ride along in them.
 */
export function descriptionOf(task: Task): string {
  const lines = [`Kind: ${task.kind}`, `Due: ${task.dueOn}`];
  if (task.kind !== 'manual') lines.push(`Rule: ${task.reason.rule}`);
  for (const [name, day] of Object.entries(task.reason.dates)) {
    if (PLAIN_NAME.test(name) && ISO_DAY.test(day)) lines.push(`${name}: ${day}`);
  }
  for (const [name, value] of Object.entries(task.reason.settings)) {
    if (PLAIN_NAME.test(name) && typeof value === 'number') lines.push(`${name}: ${value}`);
  }
  return lines.join('\n');
}

/** The office frontend's page of the task's case (or analysis without case), when configured. */
export function urlOf(task: Task, settings: OfficeSettings | undefined): string | null {
  if (task.caseId && settings?.caseUrlTemplate)
    return settings.caseUrlTemplate.replaceAll('{caseId}', encodeURIComponent(task.caseId));
  if (!task.caseId && task.analysisId && settings?.analysisUrlTemplate)
    return settings.analysisUrlTemplate.replaceAll(
      '{analysisId}',
      encodeURIComponent(task.analysisId),
    );
  return null;
}

/**
 * The tasks as an RFC 5545 calendar: one all-day event per task on its due day. The UID is the
 * task's id, which stays while the task exists whatever its due date does, so a moved deadline
 * moves its event instead of adding one. Nothing is stored per event, so there is no revision
 * count to publish: SEQUENCE stays 0 and DTSTAMP is the time the feed was made (RFC 5545 3.8.7.2
 * for a calendar without METHOD); subscribed calendars replace the feed as a whole on refresh.
 */
export function renderTaskCalendar(
  tasks: readonly Task[],
  settingsByOffice: ReadonlyMap<string, OfficeSettings>,
  now: Date,
): string {
  const calendar = ical({
    name: 'Lotse',
    prodId: { company: 'Lotse', product: 'Advisor desk', language: 'EN' },
    // Asks subscribing clients to refresh hourly (REFRESH-INTERVAL, X-PUBLISHED-TTL).
    ttl: 60 * 60,
  });
  for (const task of tasks) {
    const event: ICalEventData = {
      id: `${task.id}@lotse`,
      allDay: true,
      start: task.dueOn,
      end: nextDay(task.dueOn),
      summary: summaryOf(task),
      description: descriptionOf(task),
      sequence: 0,
      stamp: now,
    };
    const url = urlOf(task, settingsByOffice.get(task.officeId));
    if (url) event.url = url;
    calendar.createEvent(event);
  }
  return calendar.toString();
}
