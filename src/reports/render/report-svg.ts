import { logger, None, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportTable } from '../report';
import { chartSpec } from './report-chart';

/**
 * A report's chart as SVG, rendered on the server without a browser: the vega-lite spec
 * (report-chart.ts) compiled to vega and drawn by a headless View. The SVG references no fonts,
 * images or other URLs (sans-serif is the viewer's own) and vega escapes every text in it.
 * Vega's own log stays silent: its warnings may quote data (office names), and logs carry none.
 */
export async function reportSvg(t: ReportTable): Promise<string> {
  const quiet = logger(None);
  const { spec } = compile(chartSpec(t) as unknown as TopLevelSpec, { logger: quiet });
  const view = new View(parse(spec), {
    renderer: 'none',
    logger: quiet,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
