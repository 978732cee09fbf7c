import { REPORT_NAMES } from './report';
import { OFFICE_COLUMNS, PERIOD_COLUMNS } from './report-periods';
import { REPORT_BUILDERS } from './report-registry';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * docs/reports.md: every report and the definition of every figure, from the definitions the
 * service answers with (`npm run docs:reports` writes it; a test fails when the file differs).
 */
export function reportDocs(): string {
  const parts = [
    '# Office reports: the definition of every figure',
    '',
    '<!-- generated from src/reports/definitions/*.ts: npm run docs:reports -->',
    '',
    'Every report answers `GET /api/v1/reports/<name>` with `officeId` (one or several, comma-separated;',
    'default: every office the caller may read reports of), `from`, `to` (inclusive Europe/Berlin days;',
    'default: 1 January of the year of `to`, and today), `groupBy=month|quarter|year` (default month),',
    '`format=json|csv|xlsx|svg` and `lang=de|en` (default from Accept-Language, else German). Rows hold',
    'aggregates only: no names, no free text, no ids of founders. Every row starts with these columns:',
    '',
    '| column | label (de / en) | definition |',
    '| --- | --- | --- |',
    ...[...OFFICE_COLUMNS, ...PERIOD_COLUMNS].map(
      (c) => `| \`${c.key}\` | ${c.label.de} / ${c.label.en} | ${cell(c.definition)} |`,
    ),
    '',
    '(the period columns only in reports per period).',
  ];
  for (const name of REPORT_NAMES) {
    const d = REPORT_BUILDERS[name].definition;
    parts.push(
      '',
      `## ${d.title.en} (\`${name}\`)`,
      '',
      `${d.title.de}. ${cell(d.description)}`,
      '',
      '| column | label (de / en) | definition |',
      '| --- | --- | --- |',
      ...d.columns.map(
        (c) => `| \`${c.key}\` | ${c.label.de} / ${c.label.en} | ${cell(c.definition)} |`,
      ),
    );
  }
  return `${parts.join('\n')}\n`;
}
