import type { BilingualLabel } from '../phase-model/phase-model.types';
import type { ReportColumn } from './report';

/** A column label in German and English. */
export const label = (de: string, en: string): BilingualLabel => ({ de, en });

/** A count: an integer measure with its labels and the definition an auditor recomputes it by. */
export const measure = (key: string, de: string, en: string, definition: string): ReportColumn => ({
  key,
  type: 'integer',
  role: 'measure',
  label: label(de, en),
  definition,
});
