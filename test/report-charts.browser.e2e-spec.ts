import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPORT_NAMES, type ChartSpec, type Lang } from '../src/reports/report';
import { renderReport } from '../src/reports/render/render-report';
import { CHROMIUM, CHROMIUM_FLAGS, requireChromium } from './support/chromium';
import { bufferBody } from './support/exports';
import {
  FIXTURES,
  leadOfBothOffices,
  seedReportCases,
  syntheticTable,
} from './support/report-tables';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

/** Screenshots of every chart: the CI keeps test-output/ as the test's artifact. */
const OUTPUT = join(__dirname, '..', 'test-output', 'charts');
/** Charts are served to the page by route interception: nothing goes over a network. */
const ORIGIN = 'http://charts.invalid';
const KINDS = Object.keys(FIXTURES) as ChartSpec['kind'][];

/**
 * What the browser drew, measured in the page (a string: the test is compiled without the DOM's
 * types): the root, its size, the texts laid out with a visible box, and the marks (bars, lines,
 * ticks, rules) outside axes and legends with a non-empty box.
 */
const MEASURE = `(() => {
  const root = document.documentElement;
  const box = root.getBoundingClientRect();
  const error = document.querySelector('parsererror');
  const visible = (el) => { const b = el.getBBox(); return b.width > 0 || b.height > 0; };
  return {
    parseError: error ? (error.textContent || 'parsererror') : null,
    root: root.localName,
    width: box.width,
    height: box.height,
    texts: [...document.querySelectorAll('text')]
      .filter((el) => { const b = el.getBBox(); return b.width > 0 && b.height > 0 && getComputedStyle(el).visibility !== 'hidden'; })
      .map((el) => el.textContent || ''),
    marks: [...document.querySelectorAll('g.role-mark > path, g.role-mark > line')]
      .filter((el) => !el.closest('.role-axis, .role-legend, .role-title'))
      .filter(visible).length,
  };
})()`;

interface Rendered {
  parseError: string | null;
  root: string;
  width: number;
  height: number;
  texts: string[];
  marks: number;
}

/**
 * The report charts (format=svg) in Debian's Chromium (playwright-core): each SVG is opened as
 * its own document (image/svg+xml, so the browser's XML parser checks it is well-formed), must
 * draw with a non-zero size, show its title and axis titles as rendered text, log no errors and
 * load nothing. A screenshot of each goes to test-output/charts/.
 */
describe('report charts in a browser', () => {
  let t: TestApp;
  let w: World;
  let browser: Browser | undefined;
  let page: Page;
  const served = new Map<string, string>();
  const problems: string[] = [];
  useSeededApp((app, world) => ([t, w] = [app, world]));

  beforeAll(async () => {
    requireChromium();
    mkdirSync(OUTPUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_FLAGS,
      headless: true,
      timeout: 15_000,
    });
    page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      const svg = served.get(url);
      if (svg === undefined) {
        problems.push(`the chart asked for ${url}`);
        return route.abort();
      }
      return route.fulfill({ status: 200, contentType: 'image/svg+xml; charset=utf-8', body: svg });
    });
    await seedReportCases(t, w, 'A');
    await seedReportCases(t, w, 'B');
    await leadOfBothOffices(t, w);
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
  });

  async function show(file: string, svg: string): Promise<Rendered> {
    const url = `${ORIGIN}/${file}.svg`;
    served.set(url, svg);
    problems.length = 0;
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    const rendered = await page.evaluate<Rendered>(MEASURE);
    // fullPage never settles on an SVG document: the viewport is made the chart's size instead.
    if (rendered.width > 0 && rendered.height > 0) {
      await page.setViewportSize({
        width: Math.ceil(rendered.width),
        height: Math.ceil(rendered.height),
      });
    }
    await page.screenshot({ path: join(OUTPUT, `${file}.png`), animations: 'disabled' });
    expect(statSync(join(OUTPUT, `${file}.png`)).size).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
    expect(rendered.parseError).toBeNull();
    expect(rendered.root).toBe('svg');
    expect(rendered.width).toBeGreaterThan(300);
    expect(rendered.height).toBeGreaterThan(100);
    return rendered;
  }

  it.each(KINDS)(
    'draws the %s chart with its title, axis titles and marks, in German and English',
    async (kind) => {
      for (const lang of ['de', 'en'] as Lang[]) {
        const table = syntheticTable(kind, lang);
        const svg = (await renderReport(table, 'svg')).body as string;
        const r = await show(`${kind}-${lang}`, svg);
        const spec = FIXTURES[kind].chart;
        const title = `${table.definition.title[lang]}, 2026-01-01 \u2013 2026-12-31`;
        expect(r.texts).toContain(title);
        expect(r.texts).toContain(spec.yTitle[lang]);
        const xLabel = table.columns.find((c) => c.key === spec.x)!.label[lang];
        expect(r.texts).toContain(kind === 'funnel' ? (lang === 'de' ? 'Stufe' : 'Stage') : xLabel);
        expect(r.marks).toBeGreaterThan(0);
      }
    },
  );

  it('draws the funnel stages top to bottom in their order', async () => {
    const table = syntheticTable('funnel', 'en');
    await show('funnel-order', (await renderReport(table, 'svg')).body as string);
    const stages = FIXTURES.funnel.chart.measures.map(
      (m) => table.columns.find((c) => c.key === m)!.label.en,
    );
    const tops = await page.evaluate<(number | null)[]>(
      `${JSON.stringify(stages)}.map((label) => {
        const el = [...document.querySelectorAll('g.role-axis-label text')].find((e) => e.textContent === label);
        return el ? el.getBoundingClientRect().top : null;
      })`,
    );
    expect(tops.every((top) => top !== null)).toBe(true);
    expect([...tops].sort((a, b) => a! - b!)).toEqual(tops);
  });

  it('shows a hostile office name as text, not as markup', async () => {
    const r = await show(
      'bar-escaped',
      (await renderReport(syntheticTable('bar', 'en'), 'svg')).body as string,
    );
    expect(
      r.texts.some((s) => s.includes('<b>&amp; Zwickau</b>') || s.startsWith('=HYPERLINK')),
    ).toBe(true);
    expect(await page.locator('b').count()).toBe(0);
  });

  it.each(KINDS)('draws an empty %s report as a chart saying so', async (kind) => {
    const r = await show(
      `${kind}-empty`,
      (await renderReport(syntheticTable(kind, 'de', { empty: true }), 'svg')).body as string,
    );
    expect(r.texts).toContain('Keine Daten');
    expect(r.texts).toContain(`${FIXTURES[kind].title.de}, 2026-01-01 \u2013 2026-12-31`);
  });

  it.each(REPORT_NAMES)(
    'draws the %s report served with format=svg, of one office and of two',
    async (name) => {
      // German: office A by month; English: both of lead A's offices (the default) by quarter.
      for (const lang of ['de', 'en'] as Lang[]) {
        const query = lang === 'de' ? { lang, officeId: w.officeA } : { lang, groupBy: 'quarter' };
        const json = await t
          .http()
          .get(`/api/v1/reports/${name}`)
          .query(query)
          .set(w.as('leadA'))
          .expect(200);
        const res = await t
          .http()
          .get(`/api/v1/reports/${name}`)
          .query({ ...query, format: 'svg' })
          .set(w.as('leadA'))
          .buffer(true)
          .parse(bufferBody)
          .expect(200);
        expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
        const r = await show(`report-${name}-${lang}`, res.body.toString('utf8'));
        expect(r.texts).toContain(`${json.body.title}, ${json.body.from} \u2013 ${json.body.to}`);
        expect(r.texts.some((text) => text.includes('RUN Mainz'))).toBe(true);
        if (lang === 'en') expect(r.texts.some((text) => text.includes('EXIS Zwickau'))).toBe(true);
        if (!json.body.rows.length)
          expect(r.texts).toContain(lang === 'de' ? 'Keine Daten' : 'No data');
      }
    },
  );
});
