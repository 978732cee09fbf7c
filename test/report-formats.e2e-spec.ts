import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unneutraliseCell } from '../src/exports/csv-cells';
import {
  REPORT_NAMES,
  type ChartSpec,
  type Lang,
  type ReportCell,
  type ReportColumn,
} from '../src/reports/report';
import { renderReport } from '../src/reports/render/render-report';
import { bufferBody } from './support/exports';
import {
  FIXTURES,
  OFFICE_B,
  leadOfBothOffices,
  seedReportCases,
  syntheticTable,
} from './support/report-tables';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

const KINDS = Object.keys(FIXTURES) as ChartSpec['kind'][];
const LANGS: Lang[] = ['de', 'en'];
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A JSON cell as the value a file must carry: number columns as numbers, text as text. */
function expected(c: { type: string }, value: ReportCell): ReportCell {
  if (value === null) return null;
  return c.type === 'integer' || c.type === 'number' ? Number(value) : String(value);
}

interface JsonColumn {
  key: string;
  type: ReportColumn['type'];
  label: string;
}

/** A report CSV read back: the header, and each record as values by the columns' types. */
function readCsv(body: Buffer, columns: readonly { key: string; type: string }[], lang: Lang) {
  expect(body.subarray(0, 3).equals(BOM)).toBe(true);
  const text = body.toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  const [header, ...records]: string[][] = parse(text, {
    delimiter: ';',
    bom: true,
    record_delimiter: '\r\n',
  });
  const rows = records.map((record) =>
    Object.fromEntries(
      columns.map((c, i) => {
        const cell = record[i];
        if (cell === '') return [c.key, null];
        if (c.type === 'integer' || c.type === 'number') {
          expect(cell).toMatch(lang === 'de' ? /^-?\d+(,\d+)?$/ : /^-?\d+(\.\d+)?$/);
          return [c.key, Number(cell.replace(',', '.'))];
        }
        return [c.key, unneutraliseCell(cell)];
      }),
    ),
  );
  return { header: header.map(unneutraliseCell), rows, raw: records };
}

/** A report workbook read back: sheet names, the figures' header and rows, the definitions. */
async function readXlsx(body: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  const [figures, definitions] = book.worksheets;
  const values = (sheet: ExcelJS.Worksheet) => {
    const out: ExcelJS.CellValue[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => {
      const cells: ExcelJS.CellValue[] = [];
      for (let i = 1; i <= sheet.columnCount; i++) cells.push(row.getCell(i).value ?? null);
      out.push(cells);
    });
    return out;
  };
  const formulas: string[] = [];
  figures.eachRow((row) =>
    row.eachCell((cell) => {
      if (cell.type === ExcelJS.ValueType.Formula) formulas.push(cell.address);
    }),
  );
  return {
    names: book.worksheets.map((s) => s.name),
    figures: values(figures),
    definitions: values(definitions),
    formulas,
  };
}

describe('report formats: CSV, XLSX and SVG of synthetic tables (renderReport)', () => {
  it.each(LANGS)(
    'writes CSV (%s) that reads back to the rows, labels in the language, formulas neutralised',
    async (lang) => {
      for (const kind of KINDS) {
        const t = syntheticTable(kind, lang);
        const r = await renderReport(t, 'csv');
        expect(r.contentType).toBe('text/csv; charset=utf-8');
        expect(r.fileName).toBe(`${t.definition.name}-2026-01-01-2026-12-31.csv`);
        const csv = readCsv(r.body as Buffer, t.columns, lang);
        expect(csv.header).toEqual(t.columns.map((c) => c.label[lang]));
        expect(csv.rows).toEqual(
          t.rows.map((row) =>
            Object.fromEntries(t.columns.map((c) => [c.key, expected(c, row[c.key])])),
          ),
        );
      }
      const bar = readCsv(
        (await renderReport(syntheticTable('bar', lang), 'csv')).body as Buffer,
        syntheticTable('bar', lang).columns,
        lang,
      );
      const [first, second, third] = bar.raw;
      const at = (key: string) =>
        syntheticTable('bar', lang).columns.findIndex((c) => c.key === key);
      expect(bar.header.slice(0, 3)).toEqual(
        lang === 'de'
          ? ['Stelle (ID)', 'Stelle (Kürzel)', 'Stelle']
          : ['Office (id)', 'Office code', 'Office'],
      );
      expect(bar.header[at('accessContacts')]).toBe(
        lang === 'de' ? 'Erstkontakte' : 'Access contacts',
      );
      expect(second[at('accessContacts')]).toBe('1234'); // no thousands separator
      expect(first[at('shareFounded')]).toBe(lang === 'de' ? '0,25' : '0.25');
      expect(second[at('shareFounded')]).toBe('');
      expect(third[at('firstCounsellings')]).toBe('2'); // numeric text from PostgreSQL is a number
      expect(third[at('officeName')]).toBe(`'${OFFICE_B.name}`);
      expect(first[at('periodStart')]).toBe('2026-01-01');
    },
  );

  it('quotes cells with semicolons, quotes and line breaks', async () => {
    const t = syntheticTable('bar', 'en');
    t.rows[0].officeName = 'Mainz; "Nord"\nZwei';
    const text = ((await renderReport(t, 'csv')).body as Buffer).toString('utf8');
    expect(text).toContain(';"Mainz; ""Nord""\nZwei";');
    expect(readCsv(Buffer.from(text), t.columns, 'en').rows[0].officeName).toBe(
      'Mainz; "Nord"\nZwei',
    );
  });

  it.each(LANGS)(
    'writes XLSX (%s): typed figures and a sheet of definitions and parameters',
    async (lang) => {
      for (const kind of KINDS) {
        const t = syntheticTable(kind, lang);
        const r = await renderReport(t, 'xlsx');
        expect(r.contentType).toBe(
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        );
        expect(r.fileName).toBe(`${t.definition.name}-2026-01-01-2026-12-31.xlsx`);
        const book = await readXlsx(r.body as Buffer);
        expect(book.names).toEqual(
          lang === 'de' ? ['Zahlen', 'Definitionen'] : ['Figures', 'Definitions'],
        );
        expect(book.formulas).toEqual([]);
        const [header, ...rows] = book.figures;
        expect(header).toEqual(t.columns.map((c) => c.label[lang]));
        expect(rows).toEqual(
          t.rows.map((row) =>
            t.columns.map((c) => {
              const v = expected(c, row[c.key]);
              return c.type === 'date' && v !== null ? new Date(`${v}T00:00:00.000Z`) : v;
            }),
          ),
        );
        const [headings, ...defs] = book.definitions;
        expect(headings).toEqual(
          lang === 'de' ? ['Spalte', 'Schlüssel', 'Definition'] : ['Column', 'Key', 'Definition'],
        );
        expect(defs.slice(0, t.columns.length)).toEqual(
          t.columns.map((c) => [c.label[lang], c.key, c.definition]),
        );
        const params = Object.fromEntries(
          defs.slice(t.columns.length + 2).map((r) => [r[1], r[2]]),
        );
        expect(params).toMatchObject({
          report: t.definition.name,
          from: '2026-01-01',
          to: '2026-12-31',
          groupBy: 'month',
          generatedAt: '2026-12-31T10:00:00.000Z',
        });
        for (const id of t.params.officeIds) expect(params.officeIds).toContain(id);
      }
    },
  );

  it('writes integers and fractions as number cells and dates as date cells', async () => {
    const book = await readXlsx(
      (await renderReport(syntheticTable('bar', 'de'), 'xlsx')).body as Buffer,
    );
    const t = syntheticTable('bar', 'de');
    const at = (key: string) => t.columns.findIndex((c) => c.key === key);
    const row = book.figures[3];
    expect(row[at('firstCounsellings')]).toBe(2);
    expect(row[at('shareFounded')]).toBe(0.5);
    expect(row[at('periodStart')]).toEqual(new Date('2026-01-01T00:00:00.000Z'));
    expect(row[at('officeName')]).toBe(OFFICE_B.name);
  });

  const TITLES: Record<ChartSpec['kind'], Record<Lang, string>> = {
    bar: { de: 'Trichter, 2026-01-01 – 2026-12-31', en: 'Funnel, 2026-01-01 – 2026-12-31' },
    funnel: { de: 'Trichter, 2026-01-01 – 2026-12-31', en: 'Funnel, 2026-01-01 – 2026-12-31' },
    box: {
      de: 'Verweildauer je Phase, 2026-01-01 – 2026-12-31',
      en: 'Time in phase, 2026-01-01 – 2026-12-31',
    },
    buckets: {
      de: 'Verweildauer je Phase, 2026-01-01 – 2026-12-31',
      en: 'Time in phase, 2026-01-01 – 2026-12-31',
    },
    lines: { de: 'Kohorten, 2026-01-01 – 2026-12-31', en: 'Cohorts, 2026-01-01 – 2026-12-31' },
  };

  it.each(KINDS)(
    'draws the %s chart as a self-contained SVG with the title, axis titles and legend in each language',
    async (kind) => {
      for (const lang of LANGS) {
        const t = syntheticTable(kind, lang);
        const r = await renderReport(t, 'svg');
        expect(r.contentType).toBe('image/svg+xml; charset=utf-8');
        expect(r.fileName).toBe(`${t.definition.name}-2026-01-01-2026-12-31.svg`);
        const svg = r.body as string;
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
        expect(svg).toContain(`>${TITLES[kind][lang]}<`);
        expect(svg).toContain(`>${FIXTURES[kind].chart.yTitle[lang]}<`);
        const spec = FIXTURES[kind].chart;
        const xLabel = t.columns.find((c) => c.key === spec.x)!.label[lang];
        if (kind !== 'funnel') expect(svg).toContain(`>${xLabel}<`);
        for (const m of spec.measures) {
          if (kind === 'lines') continue; // one measure: the legend names the cohorts
          expect(svg).toContain(`>${esc(t.columns.find((c) => c.key === m)!.label[lang])}<`);
        }
        // Only the SVG namespaces: no fonts, images, scripts or links to load.
        expect(
          svg.match(/https?:\/\/[^"']+/g)?.filter((u) => !/^http:\/\/www\.w3\.org\//.test(u)) ?? [],
        ).toEqual([]);
        expect(svg).not.toMatch(/<script|<image|<foreignObject|@import|url\(/i);
        expect(Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1])).toBeLessThanOrEqual(830);
      }
    },
  );

  it('names the office and period values on the chart and escapes every text', async () => {
    const bar = (await renderReport(syntheticTable('bar', 'en'), 'svg')).body as string;
    expect(bar).toContain('>RUN Mainz<');
    expect(bar).toContain('>2026-01<');
    expect(bar).toContain('>2026-02<');
    expect(bar).toContain(esc(OFFICE_B.name));
    expect(bar).not.toContain('<b>');
    const lines = (await renderReport(syntheticTable('lines', 'de'), 'svg')).body as string;
    expect(lines).toContain('>2026-Q1<');
    expect(lines).toContain('>2026-Q2<');
    expect(lines).toContain('>Kohorte<');
  });

  it('writes axis numbers in the language: 1.200 in German, 1,200 in English', async () => {
    const de = (await renderReport(syntheticTable('bar', 'de'), 'svg')).body as string;
    const en = (await renderReport(syntheticTable('bar', 'en'), 'svg')).body as string;
    expect(de).toContain('>1.200<');
    expect(de).not.toContain('>1,200<');
    expect(en).toContain('>1,200<');
  });

  it('ticks counts in whole numbers only, and names a missing dimension value', async () => {
    const t = syntheticTable('bar', 'en');
    t.rows = t.rows
      .slice(0, 2)
      .map((row, i) => ({ ...row, accessContacts: i + 1, firstCounsellings: 0 }));
    t.rows[1].period = null;
    const svg = (await renderReport(t, 'svg')).body as string;
    expect(svg).toContain('>2<');
    expect(svg).not.toMatch(/>\d\.\d</);
    // The value axis' labels: 0, 1, 2 once each (fractional ticks printed as integers repeat).
    const valueLabels = axisLabels(svg).filter((l) => /^\d+$/.test(l));
    expect(valueLabels).toEqual(['0', '1', '2']);
    expect(svg).toContain('>(none)<');
  });

  it('draws figures that are all 0 on an axis from 0 to 1, not a flat one', async () => {
    const t = syntheticTable('lines', 'en');
    t.rows = t.rows.map((row) => ({ ...row, share: 0 }));
    const svg = (await renderReport(t, 'svg')).body as string;
    expect(svg).toContain('>1.0<');
    expect(svg).toContain('>0.0<');
  });

  it('draws a funnel of several offices as a bar per office and stage, the offices in the legend', async () => {
    const t = syntheticTable('funnel', 'en');
    t.rows = [
      ...t.rows,
      {
        ...t.rows[0],
        officeId: OFFICE_B.id,
        officeCode: OFFICE_B.code,
        officeName: 'EXIS Zwickau',
      },
    ];
    const svg = (await renderReport(t, 'svg')).body as string;
    expect(svg).toContain('>Office<');
    expect(svg).toContain('>RUN Mainz<');
    expect(svg).toContain('>EXIS Zwickau<');
    const bars = svg.match(/aria-roledescription="bar"/g) ?? [];
    expect(bars).toHaveLength(8); // 4 stages × 2 offices
  });

  it('shares the x axis of faceted offices when their categories agree, else gives each its own', async () => {
    const shared = syntheticTable('bar', 'en');
    const own = syntheticTable('bar', 'en');
    // Office B's rows on other categories (as advisors are per office in the caseload).
    own.rows = own.rows.map((row) =>
      row.officeId === OFFICE_B.id ? { ...row, period: `${String(row.period)}-B` } : row,
    );
    // A subset (one office without February) still shares the axis.
    shared.rows = shared.rows.filter(
      (row) => !(row.officeId === OFFICE_B.id && row.period === '2026-02'),
    );
    const sharedSvg = (await renderReport(shared, 'svg')).body as string;
    const ownSvg = (await renderReport(own, 'svg')).body as string;
    const groups = (svg: string) => svg.split('role-axis-label').length - 1;
    expect(groups(ownSvg)).toBe(groups(sharedSvg) + 1);
    for (const svg of [sharedSvg, ownSvg]) {
      const widths = barWidths(svg);
      expect(widths.length).toBeGreaterThan(0);
      expect(widths.every((width) => width > 5)).toBe(true);
    }
    expect(axisLabels(ownSvg)).toEqual(
      expect.arrayContaining(['2026-01', '2026-02', '2026-01-B', '2026-02-B']),
    );
  });

  it('draws one line per measure when a lines chart has several, and one per series otherwise', async () => {
    const t = syntheticTable('lines', 'en');
    const several = {
      ...t,
      definition: {
        ...t.definition,
        chart: { ...t.definition.chart, measures: ['share', 'shareFounded'], series: 'officeName' },
      },
    };
    const svg = (await renderReport(several, 'svg')).body as string;
    expect(svg).toContain('>Share reached<');
    expect(svg).toContain('>Share founded<');
    expect(svg).toContain('>Figure<');
    const perSeries = (await renderReport(t, 'svg')).body as string;
    expect(perSeries).toContain('>Cohort<');
    expect(perSeries).not.toContain('>Share founded<');
  });

  it.each(KINDS)('draws an empty %s report as a chart saying there is no data', async (kind) => {
    for (const lang of LANGS) {
      const svg = (await renderReport(syntheticTable(kind, lang, { empty: true }), 'svg'))
        .body as string;
      expect(svg).toContain(lang === 'de' ? '>Keine Daten<' : '>No data<');
      expect(svg).toContain(`>${TITLES[kind][lang]}<`);
    }
  });
});

/** The texts of every axis label (axes' label groups in vega's SVG). */
function axisLabels(svg: string): string[] {
  return svg
    .split('role-axis-label')
    .slice(1)
    .flatMap((part) =>
      [...part.split('</g>')[0].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]),
    );
}

/** The widths of the bars drawn (vega writes each as a path "Mx,yhW..."). */
function barWidths(svg: string): number[] {
  return [...svg.matchAll(/aria-roledescription="bar" d="M[-\d.]+,[-\d.]+h([-\d.]+)/g)].map((m) =>
    Number(m[1]),
  );
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('report formats over HTTP', () => {
  let t: TestApp;
  let w: World;
  useSeededApp((app, world) => ([t, w] = [app, world]));

  beforeAll(async () => {
    // A few cases, so that reports whose definitions have landed have rows to render.
    await seedReportCases(t, w, 'A');
    await seedReportCases(t, w, 'B');
    await leadOfBothOffices(t, w);
  });

  const get = (name: string, query: Record<string, string>, lang?: string) => {
    const req = t.http().get(`/api/v1/reports/${name}`).query(query).set(w.as('leadA'));
    return lang ? req.set('Accept-Language', lang) : req;
  };

  it.each(REPORT_NAMES)(
    'answers %s as CSV, XLSX and SVG with the rows and labels of its JSON',
    async (name) => {
      // German: office A by month; English: both of lead A's offices (the default) by quarter.
      for (const lang of LANGS) {
        const query: Record<string, string> =
          lang === 'de' ? { lang, officeId: w.officeA } : { lang, groupBy: 'quarter' };
        const json = await get(name, query).expect(200);
        if (lang === 'en') expect(json.body.officeIds).toHaveLength(2);
        const columns = json.body.columns as JsonColumn[];
        const csv = await get(name, { ...query, format: 'csv' })
          .buffer(true)
          .parse(bufferBody)
          .expect(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(csv.headers['content-language']).toBe(lang);
        expect(csv.headers['content-disposition']).toMatch(
          new RegExp(
            `^attachment; filename="${name}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`,
          ),
        );
        const read = readCsv(csv.body, columns, lang);
        expect(read.header).toEqual(columns.map((c) => c.label));
        const jsonRows = (json.body.rows as Record<string, ReportCell>[]).map((row) =>
          Object.fromEntries(columns.map((c) => [c.key, expected(c, row[c.key])])),
        );
        expect(read.rows).toEqual(jsonRows);

        const xlsx = await get(name, { ...query, format: 'xlsx' })
          .buffer(true)
          .parse(bufferBody)
          .expect(200);
        const book = await readXlsx(xlsx.body);
        expect(book.figures[0]).toEqual(columns.map((c) => c.label));
        expect(
          book.figures
            .slice(1)
            .map((r) => r.map((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))),
        ).toEqual(jsonRows.map((row) => columns.map((c) => row[c.key])));
        expect(book.definitions.slice(1, columns.length + 1).map((r) => r[1])).toEqual(
          columns.map((c) => c.key),
        );

        const svg = await get(name, { ...query, format: 'svg' })
          .buffer(true)
          .parse(bufferBody)
          .expect(200);
        expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
        const text = svg.body.toString('utf8');
        expect(text.startsWith('<svg')).toBe(true);
        expect(text).toContain(`>${json.body.title}, ${json.body.from} – ${json.body.to}<`);
        expect(text).toContain('RUN Mainz');
        if (lang === 'en') expect(text).toContain('EXIS Zwickau');
      }
    },
  );

  it('takes the language from Accept-Language when lang is not given, else German', async () => {
    const en = await get('funnel', { format: 'csv' }, 'en-GB,en;q=0.9')
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
    expect(en.headers['content-language']).toBe('en');
    expect(readCsv(en.body, [], 'en').header.slice(0, 3)).toEqual([
      'Office (id)',
      'Office code',
      'Office',
    ]);
    const de = await get('funnel', { format: 'csv' }).buffer(true).parse(bufferBody).expect(200);
    expect(de.headers['content-language']).toBe('de');
    expect(readCsv(de.body, [], 'de').header.slice(0, 3)).toEqual([
      'Stelle (ID)',
      'Stelle (Kürzel)',
      'Stelle',
    ]);
    const svg = await get('funnel', { format: 'svg' }, 'en')
      .buffer(true)
      .parse(bufferBody)
      .expect(200);
    expect(svg.body.toString('utf8')).toMatch(/>Funnel, \d{4}-01-01 – \d{4}-\d{2}-\d{2}</);
  });

  it('refuses a bad format or language with a problem, whatever the other parameters', async () => {
    const queries: Record<string, string>[] = [
      { format: 'pdf' },
      { format: 'SVG' },
      { format: 'csv', lang: 'fr' },
      { format: 'svg', lang: 'de-DE' },
      { format: 'xlsx', groupBy: 'week' },
    ];
    for (const query of queries) {
      const res = await get('caseload', query);
      expect({
        query,
        status: res.status,
        type: res.headers['content-type'],
        code: res.body.code,
      }).toEqual({
        query,
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
        code: 'validation_failed',
      });
    }
  });
});
