import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import type { ColumnType, ReportColumn } from './report';
import type { ReportBuilder } from './report-builder';
import { OFFICE_COLUMNS, PERIOD_COLUMNS } from './report-periods';
import { REPORT_MEDIA_TYPES } from './render/render-report';

const CELL_SCHEMA: Record<ColumnType, Record<string, unknown>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  date: { type: 'string', format: 'date' },
  uuid: { type: 'string', format: 'uuid' },
};

function columnSchema(c: ReportColumn): Record<string, unknown> {
  return {
    ...CELL_SCHEMA[c.type],
    nullable: true,
    description: `${c.label.en} (${c.label.de}): ${c.definition}`,
  };
}

/** The JSON schema of a report's answer, from its definition: every column is a documented field. */
export function reportSchema(b: ReportBuilder): Record<string, unknown> {
  const d = b.definition;
  const columns = [...OFFICE_COLUMNS, ...(d.periodic ? PERIOD_COLUMNS : []), ...d.columns];
  return {
    type: 'object',
    required: ['report', 'title', 'lang', 'officeIds', 'from', 'to', 'groupBy', 'generatedAt', 'columns', 'rows'],
    properties: {
      report: { type: 'string', enum: [d.name] },
      title: { type: 'string', description: 'The report\u2019s title in `lang`' },
      lang: { type: 'string', enum: ['de', 'en'] },
      officeIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date' },
      groupBy: { type: 'string', enum: ['month', 'quarter', 'year'] },
      generatedAt: { type: 'string', format: 'date-time' },
      columns: {
        type: 'array',
        description: 'The columns in order, with their labels in `lang` and their definitions',
        items: {
          type: 'object',
          required: ['key', 'type', 'role', 'label', 'definition'],
          properties: {
            key: { type: 'string', enum: columns.map((c) => c.key) },
            type: { type: 'string', enum: Object.keys(CELL_SCHEMA) },
            role: { type: 'string', enum: ['dimension', 'measure'] },
            label: { type: 'string' },
            definition: { type: 'string' },
          },
        },
      },
      rows: {
        type: 'array',
        items: {
          type: 'object',
          required: columns.map((c) => c.key),
          properties: Object.fromEntries(columns.map((c) => [c.key, columnSchema(c)])),
        },
      },
    },
  };
}

/** The OpenAPI description of one report route: its summary, definitions and its four formats. */
export function ApiReport(b: ReportBuilder, who: string): MethodDecorator {
  const d = b.definition;
  return applyDecorators(
    ApiOperation({ summary: d.title.en, description: `${d.description} ${who}` }),
    ApiOkResponse({
      description: 'The report in the format asked for (format=json|csv|xlsx|svg)',
      content: {
        [REPORT_MEDIA_TYPES.json]: { schema: reportSchema(b) },
        [REPORT_MEDIA_TYPES.csv]: {
          schema: { type: 'string', description: 'One header row of labels, then a row per row' },
        },
        [REPORT_MEDIA_TYPES.xlsx]: {
          schema: { type: 'string', format: 'binary', description: 'The figures and their definitions' },
        },
        [REPORT_MEDIA_TYPES.svg]: {
          schema: { type: 'string', description: 'A chart of the report (vega-lite, rendered on the server)' },
        },
      },
    }),
    ApiErrors('forbidden'),
  );
}
