import type { ReportTable } from '../report';

/** The JSON answer of a report: its parameters, its columns (labels in `lang`) and its rows. */
export function reportJson(t: ReportTable) {
  return {
    report: t.definition.name,
    title: t.definition.title[t.lang],
    lang: t.lang,
    officeIds: t.params.officeIds,
    from: t.params.from,
    to: t.params.to,
    groupBy: t.params.groupBy,
    generatedAt: t.generatedAt.toISOString(),
    columns: t.columns.map((c) => ({
      key: c.key,
      type: c.type,
      role: c.role,
      label: c.label[t.lang],
      definition: c.definition,
    })),
    rows: t.rows,
  };
}
