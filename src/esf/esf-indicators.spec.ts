import {
  addMonths,
  ageOn,
  countingExit,
  hasForeignBackground,
  isShortContact,
  isThirdCountryNational,
  longerTerm,
} from './esf-indicators';
import { participantGuid } from './esf-pseudonym';
import { periodsOf } from './esf-totals';

const exit = (on: string, createdAt: string, inEmployment = false) => ({
  on,
  createdAt,
  jobSearching: !inEmployment,
  inEducationOrTraining: false,
  gainingQualification: false,
  inEmployment,
});

describe('ESF Plus indicator rules (hand-worked examples)', () => {
  it('computes the age in completed years, or from the birth year alone', () => {
    expect(ageOn('2026-02-02', '1990-02-03', null)).toBe(35);
    expect(ageOn('2026-02-03', '1990-02-03', null)).toBe(36);
    expect(ageOn('2026-02-02', null, 1990)).toBe(36);
    expect(ageOn('2026-02-02', null, null)).toBeNull();
  });

  it('counts third-country nationals and foreign background independently', () => {
    expect(isThirdCountryNational(['SY'])).toBe(true);
    expect(isThirdCountryNational(['SY', 'PL'])).toBe(false);
    expect(isThirdCountryNational([])).toBe(true); // stateless
    expect(hasForeignBackground('PL', 'none')).toBe(true);
    expect(hasForeignBackground('DE', 'both')).toBe(true);
    expect(hasForeignBackground('DE', 'one')).toBe(false);
    expect(hasForeignBackground(null, 'not_stated')).toBe(false);
  });

  it('adds calendar months with the month end clamped', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
  });

  it('takes the last exit record within 28 days, the later written on a tie', () => {
    const exits = [
      exit('2026-03-29', '2026-03-29T10:00:00', true),
      exit('2026-03-30', '2026-03-30T10:00:00', false),
      exit('2026-03-10', '2026-03-10T09:00:00', false),
      exit('2026-03-10', '2026-03-10T08:00:00', true),
    ];
    expect(countingExit({ leftOn: '2026-03-01', exits })?.on).toBe('2026-03-29');
    expect(countingExit({ leftOn: '2026-03-01', exits: exits.slice(2) })?.createdAt).toBe(
      '2026-03-10T09:00:00',
    );
    expect(countingExit({ leftOn: null, exits })).toBeNull();
  });

  it('judges month 6 by the first follow-up from the mark to 3 months after it', () => {
    const f = (consent: string | null, ons: string[]) => ({
      leftOn: '2026-01-31',
      followUpConsentOn: consent,
      followUps: ons.map((on, i) => ({
        on,
        situation: i === 0 ? 'employed' : 'inactive',
        stillSelfEmployed: false,
      })),
    });
    // The mark is 2026-07-31; its window ends 2026-10-31.
    expect(longerTerm(f('2026-01-01', ['2026-07-31', '2026-08-15']), '2026-12-01')).toBe(1);
    expect(longerTerm(f('2026-01-01', ['2026-07-30']), '2026-12-01')).toBe('missing');
    expect(longerTerm(f('2026-01-01', ['2026-11-01']), '2026-12-01')).toBe('missing');
    expect(longerTerm(f('2026-01-01', []), '2026-07-30')).toBe('not_due');
    expect(longerTerm(f(null, ['2026-08-01']), '2026-12-01')).toBe('no_consent');
  });

  it('calls fewer minutes than the minimum a short contact', () => {
    expect(isShortContact({ contactMinutes: 479, minimumContactHours: 8 })).toBe(true);
    expect(isShortContact({ contactMinutes: 480, minimumContactHours: 8 })).toBe(false);
  });

  it('keys the participant GUID: stable, UUID-shaped, different per key and person', () => {
    const a = participantGuid('k1', '6f1c2e4a-0000-4000-8000-000000000001');
    expect(a).toBe(participantGuid('k1', '6f1c2e4a-0000-4000-8000-000000000001'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(participantGuid('k2', '6f1c2e4a-0000-4000-8000-000000000001'));
    expect(a).not.toBe(participantGuid('k1', '6f1c2e4a-0000-4000-8000-000000000002'));
  });

  it('cuts the periods of the totals to from and to', () => {
    expect(periodsOf('2026-02-15', '2026-07-10', 'quarter')).toEqual([
      { start: '2026-01-01', first: '2026-02-15', last: '2026-03-31' },
      { start: '2026-04-01', first: '2026-04-01', last: '2026-06-30' },
      { start: '2026-07-01', first: '2026-07-01', last: '2026-07-10' },
    ]);
  });
});
