import { participationFacts } from '../../esf/esf.repository';
import { esfTotals } from '../../esf/esf-totals';
import { OFFICE_SETTING_DEFAULTS } from '../../office-settings/office-settings';
import type { ReportBuilder } from '../report-builder';
import { label, measure } from '../report-columns';

/**
 * ESF Plus totals (Regulation (EU) 2021/1057, Annex I points 1 to 3): per office, period and
 * indicator code, the participants counted, split by gender at entry. The same participations and
 * the same computation (src/esf/esf-indicators.ts) as the per-participant export, so the totals of
 * one period equal the sums of that export's columns over the same from and to; the voluntary
 * indicators (EECO12, EECO15, EECO16) appear only here, as counts.
 */
export const ESF_TOTALS: ReportBuilder = {
  definition: {
    name: 'esf-totals',
    title: { de: 'ESF Plus: Summen der Indikatoren', en: 'ESF Plus indicator totals' },
    description:
      'Per office, period and ESF Plus common indicator (Regulation (EU) 2021/1057, Annex I): the participants counted, ' +
      'by gender at entry. A participation (a case with an ESF entry record) belongs to a period when it entered on or ' +
      'before the period\u2019s last day (and on or before `to`) and had not left before its first day (nor before `from`). ' +
      'Output indicators EECO01\u2013EECO16 (point 1), immediate results EECR01\u2013EECR04 (point 2, the last exit record ' +
      'within 28 days after leaving), EECR05 (point 3, in employment six months after leaving) with the lines ' +
      'EECR05_NO_CONSENT, EECR05_NOT_DUE, EECR05_MISSING, and SHORT_CONTACTS: cases whose counselling contacts sum to ' +
      'less than the office\u2019s esfMinimumContactHours, counted here and not as participants. Voluntary answers ' +
      '(disability, minority, homelessness) are special categories (GDPR Art. 9) and appear only as these counts.',
    periodic: true,
    columns: [
      {
        key: 'indicator',
        type: 'string',
        role: 'dimension',
        label: label('Indikator', 'Indicator'),
        definition:
          'The ESF Plus indicator code (EECO01\u2013EECO16, EECR01\u2013EECR05, README "ESF Plus participant data"), an EECR05 status line, or SHORT_CONTACTS.',
      },
      measure('female', 'Frauen', 'Female', 'Participants of the line whose gender at entry is female.'),
      measure('male', 'Männer', 'Male', 'Participants of the line whose gender at entry is male.'),
      measure('nonBinary', 'Nicht-binär', 'Non-binary', 'Participants of the line whose gender at entry is non-binary.'),
      measure('total', 'Gesamt', 'Total', 'female + male + nonBinary.'),
    ],
    chart: {
      kind: 'bar',
      x: 'indicator',
      measures: ['female', 'male', 'nonBinary'],
      yTitle: { de: 'Teilnehmende', en: 'Participants' },
    },
  },
  build: async (tx, params) => {
    const facts = await participationFacts(
      tx,
      params.officeIds,
      params.from,
      params.to,
      OFFICE_SETTING_DEFAULTS.esfMinimumContactHours,
    );
    return esfTotals(facts, params);
  },
};
