import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportDocs } from '../src/reports/report-docs';

/** `npm run docs:reports`: rewrites docs/reports.md from the report definitions. */
const path = join(__dirname, '..', '..', 'docs', 'reports.md');
writeFileSync(path, reportDocs());
console.log(`wrote ${path}`);
