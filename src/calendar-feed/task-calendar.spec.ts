import ical, { type VEvent } from 'node-ical';
import { defaultSettings } from '../office-settings/office-settings';
import type { Task } from '../tasks/task';
import { descriptionOf, renderTaskCalendar, summaryOf, urlOf } from './task-calendar';

const OFFICE = '0b8f4c7e-2f9d-4e55-9a53-6f1d2a3b4c5d';
const CASE = '3f2a9c1e-5d4a-4b6f-9e7d-1a2b3c4d5e6f';
const ANALYSIS = '9a8b7c6d-1111-4222-8333-444455556666';
const NOW = new Date('2026-12-02T10:00:00Z');

function task(overrides: Partial<Task>): Task {
  return {
    id: `first_counselling_overdue:${CASE}`,
    kind: 'first_counselling_overdue',
    officeId: OFFICE,
    caseId: CASE,
    analysisId: null,
    dueOn: '2026-11-20',
    horizonOn: null,
    assigneeId: null,
    reason: {
      rule: 'Scheduled first counselling passed',
      dates: { scheduledOn: '2026-11-20' },
      settings: {},
    },
    title: null,
    ...overrides,
  };
}

/** node-ical gives an all-day date as local midnight. */
const day = (d: Date | undefined): string =>
  d
    ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    : 'none';

/** node-ical gives a property with parameters (URL;VALUE=URI) as { params, val }. */
const href = (e: VEvent): unknown => {
  const url: unknown = e.url;
  return typeof url === 'object' && url !== null && 'val' in url ? url.val : url;
};

function events(body: string): VEvent[] {
  return Object.values(ical.sync.parseICS(body)).filter(
    (c): c is VEvent => typeof c === 'object' && c !== null && 'type' in c && c.type === 'VEVENT',
  );
}

describe('renderTaskCalendar', () => {
  it('makes one all-day event per task, with the task id as UID', () => {
    const body = renderTaskCalendar(
      [task({}), task({ id: `stale_case:${CASE}`, kind: 'stale_case', dueOn: '2027-01-31' })],
      new Map(),
      NOW,
    );
    expect(body).toContain('X-WR-CALNAME:Lotse');
    const parsed = events(body).sort((a, b) => a.uid.localeCompare(b.uid));
    expect(parsed.map((e) => e.uid)).toEqual([
      `first_counselling_overdue:${CASE}@lotse`,
      `stale_case:${CASE}@lotse`,
    ]);
    expect(parsed.map((e) => [day(e.start), day(e.end), e.datetype])).toEqual([
      ['2026-11-20', '2026-11-21', 'date'],
      ['2027-01-31', '2027-02-01', 'date'],
    ]);
    expect(body).toContain('DTSTART;VALUE=DATE:20261120');
    expect(body).toContain('SEQUENCE:0');
    expect(body).toContain('DTSTAMP:20261202T100000Z');
  });

  it('names the kind and the case by the first 8 hex digits of its id', () => {
    expect(summaryOf(task({}))).toBe('First counselling overdue · case 3f2a9c1e');
    expect(
      summaryOf(task({ kind: 'eks_final_declaration', caseId: null, analysisId: ANALYSIS })),
    ).toBe('Final EKS declaration · analysis 9a8b7c6d');
  });

  it('never carries a manual task\u2019s title, nor its rule', () => {
    const manual = task({
      id: 'manual:5e5e5e5e-0000-4000-8000-000000000001',
      kind: 'manual',
      title: 'Call Frau Zwetschgenbaum',
      reason: { rule: 'Zwetschgenbaum asked for it', dates: { setOn: '2026-11-01' }, settings: {} },
    });
    const body = renderTaskCalendar([manual], new Map(), NOW);
    expect(body).not.toMatch(/Zwetschgenbaum/);
    expect(events(body)[0].summary).toBe('Follow-up (Wiedervorlage) · case 3f2a9c1e');
    expect(descriptionOf(manual)).toBe('Kind: manual\nDue: 2026-11-20\nsetOn: 2026-11-01');
  });

  it('describes a derived task by its rule, dates and numeric settings only', () => {
    const eks = task({
      kind: 'eks_final_declaration',
      reason: {
        rule: 'EKS period end + 2 months (office setting)',
        dates: { periodEnd: '2026-06-30', note: 'not a date' },
        settings: { eksFinalOffsetMonths: 2, label: 'text' },
      },
    });
    expect(descriptionOf(eks)).toBe(
      'Kind: eks_final_declaration\nDue: 2026-11-20\nRule: EKS period end + 2 months (office setting)\n' +
        'periodEnd: 2026-06-30\neksFinalOffsetMonths: 2',
    );
  });

  it('links the office frontend\u2019s page when the office set a template', () => {
    const settings = {
      ...defaultSettings(OFFICE),
      caseUrlTemplate: 'https://desk.example/cases/{caseId}',
      analysisUrlTemplate: 'https://desk.example/analyses/{analysisId}',
    };
    expect(urlOf(task({}), settings)).toBe(`https://desk.example/cases/${CASE}`);
    expect(urlOf(task({ caseId: null, analysisId: ANALYSIS }), settings)).toBe(
      `https://desk.example/analyses/${ANALYSIS}`,
    );
    expect(urlOf(task({}), defaultSettings(OFFICE))).toBeNull();
    expect(urlOf(task({}), undefined)).toBeNull();
    const body = renderTaskCalendar([task({})], new Map([[OFFICE, settings]]), NOW);
    expect(href(events(body)[0])).toBe(`https://desk.example/cases/${CASE}`);
    expect(renderTaskCalendar([task({})], new Map(), NOW)).not.toContain('URL');
  });
});
