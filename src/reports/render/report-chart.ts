import type { BilingualLabel } from '../../phase-model/phase-model.types';
import type { ChartSpec, Lang, ReportCell, ReportTable } from '../report';
import { numberCell, periodText } from './report-cells';

/**
 * The vega-lite 5 chart of a report (format=svg), built from its ReportTable and ChartSpec only,
 * so every report renders the same way. The rows are turned into long data first, one point per
 * row and measure: x (the spec's x column, as text), m (the measure's label in `lang`), s (the
 * series: the spec's series column, else the office when rows span several), v (the figure),
 * with xi/mi/si the order in which they first appear (rows and `measures` are in the report's
 * order: periods, phases and stages are never sorted alphabetically). Points without a figure
 * are left out. Every text reaches the chart as data or as a plain string (never an expression),
 * and vega escapes it in the SVG.
 */

/** The SVG's width in px (the plotting area of a faceted chart is narrower; see CELL_WIDTH). */
export const CHART_WIDTH = 800;
const CELL_WIDTH = 700;
const CELL_HEIGHT = 280;

const T = {
  noData: { de: 'Keine Daten', en: 'No data' },
  measure: { de: 'Kennzahl', en: 'Figure' },
  stage: { de: 'Stufe', en: 'Stage' },
  offices: { de: 'Stellen', en: 'offices' },
  none: { de: '(ohne)', en: '(none)' },
} satisfies Record<string, BilingualLabel>;

/** Axis numbers in `lang`: 1.200,5 in German, 1,200.5 in English. */
const NUMBER_LOCALES = {
  de: { decimal: ',', thousands: '.', grouping: [3], currency: ['', '\u00a0\u20ac'] },
  en: { decimal: '.', thousands: ',', grouping: [3], currency: ['\u20ac', ''] },
} satisfies Record<Lang, Spec>;

export interface ChartPoint {
  x: string;
  xi: number;
  m: string;
  mi: number;
  s: string;
  si: number;
  v: number;
}

export interface ChartData {
  points: ChartPoint[];
  xOrder: string[];
  mOrder: string[];
  sOrder: string[];
  /** The series' column, when the points are drawn apart by it. */
  seriesKey: string | null;
}

/** The column whose values are drawn apart: the spec's, else the office when rows span several. */
export function seriesKey(t: ReportTable, spec: ChartSpec): string | null {
  if (spec.series) return spec.series;
  const offices = new Set(t.rows.map((r) => r.officeId));
  const byOffice = spec.x === 'officeName' || spec.x === 'officeCode' || spec.x === 'officeId';
  return offices.size > 1 && !byOffice ? 'officeName' : null;
}

export function chartData(t: ReportTable, spec: ChartSpec): ChartData {
  const labels = new Map(t.columns.map((c) => [c.key, c.label[t.lang]]));
  const measures = spec.measures.filter((m) => labels.has(m));
  const key = seriesKey(t, spec);
  const order = () => {
    const seen = new Map<string, number>();
    return {
      seen,
      at: (value: string) => {
        if (!seen.has(value)) seen.set(value, seen.size);
        return seen.get(value)!;
      },
    };
  };
  const xs = order();
  const ms = order();
  const ss = order();
  for (const m of measures) ms.at(labels.get(m)!);
  const points: ChartPoint[] = [];
  for (const row of t.rows) {
    const x = text(row[spec.x], t.lang);
    const s = key ? text(row[key], t.lang) : '';
    for (const m of measures) {
      const v = numberCell(row[m] ?? null);
      if (v === null) continue;
      const mLabel = labels.get(m)!;
      points.push({ x, xi: xs.at(x), m: mLabel, mi: ms.at(mLabel), s, si: ss.at(s), v });
    }
  }
  return {
    points,
    xOrder: [...xs.seen.keys()],
    mOrder: [...ms.seen.keys()],
    sOrder: [...ss.seen.keys()],
    seriesKey: key,
  };
}

/** A dimension's value as a label; a missing one (a case without an advisor) is "(ohne)". */
const text = (value: ReportCell | undefined, lang: Lang): string =>
  value === null || value === undefined ? T.none[lang] : String(value);

/** "Trichter, 2026-01-01 – 2026-12-31", and the offices below it. */
export function chartTitle(t: ReportTable): { text: string; subtitle: string } {
  const names = t.params.officeIds.map((id) => t.offices.find((o) => o.id === id)?.name ?? id);
  return {
    text: `${t.definition.title[t.lang]}, ${periodText(t.params.from, t.params.to)}`,
    subtitle: names.length <= 4 ? names.join(', ') : `${names.length} ${T.offices[t.lang]}`,
  };
}

type Spec = Record<string, unknown>;

/** The vega-lite spec of a report's chart (a "no data" chart when nothing is to be drawn). */
export function chartSpec(t: ReportTable): Spec {
  const spec = t.definition.chart;
  const data = chartData(t, spec);
  const lang = t.lang;
  const top = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { ...chartTitle(t), anchor: 'start' },
    background: 'white',
    padding: 12,
    config: {
      font: 'sans-serif',
      axis: { labelLimit: 180 },
      legend: { labelLimit: 280 },
      locale: { number: NUMBER_LOCALES[lang] },
    },
  };
  if (!data.points.length) {
    return {
      ...top,
      width: CHART_WIDTH - 24,
      height: 160,
      data: { values: [{ label: T.noData[lang] }] },
      mark: { type: 'text', fontSize: 22, color: '#555' },
      encoding: {
        text: { field: 'label', type: 'nominal' },
        x: { value: (CHART_WIDTH - 24) / 2 },
        y: { value: 80 },
      },
    };
  }
  const column = (key: string) => t.columns.find((c) => c.key === key)?.label[lang] ?? key;
  const c: Ctx = {
    d: data,
    xTitle: column(spec.x),
    yTitle: spec.yTitle[lang],
    counts: spec.measures.every((m) => t.columns.find((col) => col.key === m)?.type === 'integer'),
    mTitle: T.measure[lang],
    sTitle: data.seriesKey ? column(data.seriesKey) : '',
    stageTitle: data.mOrder.length > 1 ? T.stage[lang] : column(spec.x),
  };
  const several = data.sOrder.length > 1;
  const chart = (view: Spec): Spec => ({
    ...top,
    data: { values: data.points },
    ...view,
    config: { ...top.config, ...(view.config ?? {}) },
  });
  switch (spec.kind) {
    case 'bar':
      // One measure: a bar per series side by side; several: one chart per series, a bar per measure.
      return data.mOrder.length === 1 || !several
        ? chart(single(barView(c, several)))
        : chart(facet(c, barView(c, false)));
    case 'funnel':
      return chart(single(funnelView(c, several)));
    case 'box':
      return chart(several ? facet(c, boxView(c)) : single(boxView(c)));
    case 'buckets':
      return chart(several ? facet(c, bucketsView(c)) : single(bucketsView(c)));
    case 'lines':
      return chart(single(linesView(c)));
  }
}

interface Ctx {
  d: ChartData;
  xTitle: string;
  yTitle: string;
  /** Every measure is a count: whole-number ticks only. */
  counts: boolean;
  mTitle: string;
  sTitle: string;
  stageTitle: string;
}

const single = (view: Spec): Spec => ({
  width: CHART_WIDTH - 24,
  autosize: { type: 'fit-x', contains: 'padding' },
  height: CELL_HEIGHT,
  ...view,
});

/**
 * One chart per series, stacked, in the series' order: each named above its chart and the legend
 * below them, so that only the y axis stands beside the plots and the width stays near 800 px.
 */
const facet = (c: Ctx, view: Spec): Spec => ({
  facet: {
    row: {
      field: 's',
      type: 'nominal',
      title: c.sTitle,
      sort: c.d.sOrder,
      header: {
        labelOrient: 'top',
        labelAnchor: 'start',
        labelAngle: 0,
        labelFontWeight: 'bold',
        labelLimit: CELL_WIDTH,
        titleOrient: 'top',
        titleAnchor: 'start',
        titleAngle: 0,
      },
    },
  },
  spec: { width: CELL_WIDTH, height: CELL_HEIGHT, ...view },
  // Periods and phases line up across the charts; advisors (one office's each) do not.
  resolve: {
    scale: sameXs(c.d)
      ? { x: 'shared', y: 'shared' }
      : { x: 'independent', xOffset: 'independent', y: 'shared' },
  },
  // Labels are measured on the server by estimate (no canvas): the limits leave room for that.
  config: { legend: { orient: 'bottom', direction: 'horizontal', columns: 2, labelLimit: 340 } },
});

/**
 * Whether the facets share the x axis: when one series has every x value (periods, the phases of
 * open stays beside those of completed ones). Series with x values of their own each (an
 * office's advisors) get an axis each.
 */
function sameXs(d: ChartData): boolean {
  const union = new Set(d.points.map((p) => p.x)).size;
  return d.sOrder.some((s) => new Set(d.points.filter((p) => p.s === s).map((p) => p.x)).size === union);
}

const xEnc = (c: Ctx): Spec => ({
  field: 'x',
  type: 'nominal',
  sort: c.d.xOrder,
  title: c.xTitle,
  axis: { labelAngle: c.d.xOrder.length > 8 ? -45 : 0 },
});
/** The value axis: whole-number ticks for counts; 0 to 1 when every figure is 0 (no flat axis). */
/**
 * The value axis (scale `y`, or `x` for the funnel): for counts at most one tick per whole number
 * (vega-lite drops tickMinStep; d3 picks a step of at least 1 when there are no more ticks than the
 * domain spans), and 0 to 1 when every figure is 0 (vega would draw a flat axis).
 */
const countAxis = (c: Ctx, scale: 'x' | 'y' = 'y'): Spec => ({
  ...(c.counts
    ? { axis: { format: ',d', tickCount: { expr: `min(8, max(1, span(domain('${scale}'))))` } } }
    : {}),
  ...(c.d.points.every((p) => p.v === 0) ? { scale: { domain: [0, 1] } } : {}),
});
const sum = (c: Ctx, scale: 'x' | 'y' = 'y'): Spec => ({
  aggregate: 'sum',
  field: 'v',
  type: 'quantitative',
  title: c.yTitle,
  ...countAxis(c, scale),
});
const mColour = (c: Ctx): Spec => ({ field: 'm', type: 'nominal', sort: c.d.mOrder, title: c.mTitle });
const sColour = (c: Ctx): Spec => ({ field: 's', type: 'nominal', sort: c.d.sOrder, title: c.sTitle });

function barView(c: Ctx, bySeries: boolean): Spec {
  const group = bySeries ? sColour(c) : mColour(c);
  return {
    mark: { type: 'bar', tooltip: true },
    encoding: { x: xEnc(c), xOffset: group, y: sum(c), color: group },
  };
}

/** Horizontal bars per stage, top to bottom in stage order, summed over the whole period. */
function funnelView(c: Ctx, several: boolean): Spec {
  const stagesAreMeasures = c.d.mOrder.length > 1;
  const stage = stagesAreMeasures
    ? { field: 'm', type: 'nominal', sort: c.d.mOrder, title: c.stageTitle }
    : { field: 'x', type: 'nominal', sort: c.d.xOrder, title: c.stageTitle };
  const colour = several ? sColour(c) : { value: '#4c78a8' };
  return {
    height: { step: several ? 14 * c.d.sOrder.length + 6 : 28 },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { ...stage, axis: { labelLimit: 260 } },
      ...(several ? { yOffset: sColour(c) } : {}),
      x: sum(c, 'x'),
      color: colour,
    },
  };
}

/** A rule from the lowest to the highest figure per x (e.g. median to p90), a tick per figure. */
function boxView(c: Ctx): Spec {
  return {
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2, color: '#888' },
        encoding: {
          x: xEnc(c),
          y: { aggregate: 'min', field: 'v', type: 'quantitative', title: c.yTitle, ...countAxis(c) },
          y2: { aggregate: 'max', field: 'v' },
        },
      },
      {
        mark: { type: 'tick', thickness: 3, size: 28, tooltip: true },
        encoding: {
          x: xEnc(c),
          y: { field: 'v', type: 'quantitative', title: c.yTitle, ...countAxis(c) },
          color: mColour(c),
        },
      },
    ],
  };
}

/** Stacked bars, the measures (buckets) bottom to top in their order. */
function bucketsView(c: Ctx): Spec {
  return {
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: xEnc(c),
      y: { ...sum(c), stack: 'zero' },
      color: mColour(c),
      order: { field: 'mi', type: 'quantitative', sort: 'ascending' },
    },
  };
}

/**
 * One line per measure (e.g. the share of a cohort that reached each phase), a dash and a point shape per series
 * when there are several (offices); with one measure, one line per series.
 */
function linesView(c: Ctx): Spec {
  const byMeasure = c.d.mOrder.length > 1;
  const several = c.d.sOrder.length > 1;
  return {
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: xEnc(c),
      y: { field: 'v', type: 'quantitative', title: c.yTitle, ...countAxis(c) },
      color: byMeasure ? mColour(c) : several ? sColour(c) : { value: '#4c78a8' },
      // The offices by dash (lines) and shape (points, which the legend can show).
      ...(byMeasure && several ? { strokeDash: { ...sColour(c), legend: null }, shape: sColour(c) } : {}),
    },
  };
}
