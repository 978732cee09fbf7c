/**
 * The ESF Plus common indicators on participants, Regulation (EU) 2021/1057 (ESF+ Regulation),
 * Annex I, computed from one participation's facts. Pure: the export (one row per participant),
 * the totals report (counts) and the tests' reference all go through `participantRow`.
 *
 * The codes are those of the Commission's reporting system (SFC2021) as ../shared/domain.md
 * states them (EECO02 unemployed incl. long-term, EECO12 disabilities, EECO13 third-country
 * nationals, EECO14 foreign background) and the numbering that follows from Annex I's order.
 */

export const EMPLOYMENT_STATUSES = [
  'unemployed',
  'long_term_unemployed',
  'inactive',
  'employed',
] as const;
export type EmploymentStatus = (typeof EMPLOYMENT_STATUSES)[number];

export const ESF_GENDERS = ['female', 'male', 'non_binary'] as const;
export type EsfGender = (typeof ESF_GENDERS)[number];

export const PARENTS_BORN_ABROAD = ['both', 'one', 'none', 'not_stated'] as const;
export type ParentsBornAbroad = (typeof PARENTS_BORN_ABROAD)[number];

export const VOLUNTARY_ANSWERS = ['yes', 'no', 'not_stated'] as const;
export type VoluntaryAnswer = (typeof VOLUNTARY_ANSWERS)[number];

/** The 27 member states of the European Union (ISO 3166-1 alpha-2), for third-country nationals. */
// prettier-ignore
export const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT',
  'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]);

/** The country whose "abroad" the national definition of foreign background means. */
export const HOME_COUNTRY = 'DE';

/** Days after leaving within which the immediate result is recorded (Annex I point 2: 4 weeks). */
export const EXIT_WINDOW_DAYS = 28;
/** Months after leaving of the longer-term result (Annex I point 3). */
export const LONGER_TERM_MONTHS = 6;
/**
 * A follow-up counts for the 6-month result when it lies on or after the mark (exit + 6 months)
 * and at most this many months after it: the first one in that window counts. Our decision: a
 * follow-up a year after leaving says little about month 6, and the desk asks for one at month 6.
 */
export const LONGER_TERM_WINDOW_MONTHS = 3;

/**
 * A third-country national (EECO13): none of the person's nationalities is that of an EU member
 * state. A person without any nationality (stateless, recorded as an empty list) counts.
 */
export function isThirdCountryNational(nationalities: readonly string[]): boolean {
  return !nationalities.some((n) => EU_MEMBER_STATES.has(n));
}

/**
 * Foreign background, national definition (EECO14): the person was born abroad, or both parents
 * were. A country of birth not recorded is not "abroad"; counted independently of EECO13.
 */
export function hasForeignBackground(
  countryOfBirth: string | null,
  parents: ParentsBornAbroad,
): boolean {
  return (countryOfBirth !== null && countryOfBirth !== HOME_COUNTRY) || parents === 'both';
}

/**
 * Age in completed years on a day, from the birth date; from only the birth year (an erased or
 * partly known founder) the age reached in the year of the day.
 */
export function ageOn(
  day: string,
  birthDate: string | null,
  birthYear: number | null,
): number | null {
  if (birthDate) {
    const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
    return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
  }
  return birthYear === null ? null : Number(day.slice(0, 4)) - birthYear;
}

/** A calendar date plus days or months (months clamp to the month's last day, as PostgreSQL). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
export function addMonths(day: string, months: number): string {
  const [y, m, dd] = day.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(dd, last)).padStart(2, '0')}`;
}

/** One exit record (esf_exit). */
export interface ExitFacts {
  on: string;
  jobSearching: boolean;
  inEducationOrTraining: boolean;
  gainingQualification: boolean;
  inEmployment: boolean;
  /** Tie-break of two records on one day: the later written counts. */
  createdAt: string;
}

/** One follow-up (case_follow_up). */
export interface FollowUpFacts {
  on: string;
  situation: string;
  stillSelfEmployed: boolean;
}

/** What the indicators of one participation are computed from. */
export interface ParticipationFacts {
  caseId: string;
  founderId: string;
  officeId: string;
  entryOn: string;
  employmentStatus: EmploymentStatus;
  gender: EsfGender;
  ageAtEntry: number | null;
  iscedLevel: number | null;
  thirdCountryNational: boolean;
  foreignBackground: boolean;
  /** founder_case.exited_on while the case is closed; null while it is open. */
  leftOn: string | null;
  followUpConsentOn: string | null;
  contactMinutes: number;
  minimumContactHours: number;
  exits: ExitFacts[];
  followUps: FollowUpFacts[];
  /** Counts only (never in the per-participant export): GDPR Art. 9. Null when not recorded. */
  voluntary: {
    disability: VoluntaryAnswer;
    minority: VoluntaryAnswer;
    homeless: VoluntaryAnswer;
  } | null;
}

export type LongerTerm = 1 | 0 | 'no_consent' | 'not_due' | 'missing';
export type ExitRecordState = 'not_left' | 'recorded' | 'missing';

/** The columns of one participant in the export, in order (no voluntary answers among them). */
export interface ParticipantRow {
  participantId: string;
  officeCode: string;
  entryOn: string;
  leftOn: string | null;
  gender: EsfGender;
  ageAtEntry: number | null;
  EECO01: 1;
  EECO02: 0 | 1;
  EECO03: 0 | 1;
  EECO04: 0 | 1;
  EECO05: 0 | 1;
  EECO06: 0 | 1;
  EECO07: 0 | 1;
  EECO08: 0 | 1;
  EECO09: 0 | 1;
  EECO10: 0 | 1;
  EECO11: 0 | 1;
  EECO13: 0 | 1;
  EECO14: 0 | 1;
  exitRecord: ExitRecordState;
  EECR01: 0 | 1 | null;
  EECR02: 0 | 1 | null;
  EECR03: 0 | 1 | null;
  EECR04: 0 | 1 | null;
  EECR05: LongerTerm | null;
}

export interface IndicatorDoc {
  code: string;
  point: string;
  definition: string;
}

/** Every code of the export and the totals, with its Annex I point and our definition. */
export const INDICATORS: readonly IndicatorDoc[] = [
  {
    code: 'EECO01',
    point: 'Annex I point 1',
    definition: 'Total number of participants: every reported participant (1).',
  },
  {
    code: 'EECO02',
    point: 'Annex I point 1',
    definition:
      'Unemployed, including long-term unemployed: employment situation at entry unemployed or long_term_unemployed.',
  },
  {
    code: 'EECO03',
    point: 'Annex I point 1',
    definition: 'Long-term unemployed: employment situation at entry long_term_unemployed.',
  },
  {
    code: 'EECO04',
    point: 'Annex I point 1',
    definition: 'Inactive: employment situation at entry inactive.',
  },
  {
    code: 'EECO05',
    point: 'Annex I point 1',
    definition: 'Employed, including self-employed: employment situation at entry employed.',
  },
  {
    code: 'EECO06',
    point: 'Annex I point 1',
    definition: 'Children below 18 years of age: age at entry below 18.',
  },
  {
    code: 'EECO07',
    point: 'Annex I point 1',
    definition: 'Young people between 18 and 29 years of age: age at entry 18 to 29.',
  },
  {
    code: 'EECO08',
    point: 'Annex I point 1',
    definition: 'Participants 55 years of age and above: age at entry 55 or more.',
  },
  {
    code: 'EECO09',
    point: 'Annex I point 1',
    definition: 'Lower secondary education or less: ISCED level at entry 0 to 2.',
  },
  {
    code: 'EECO10',
    point: 'Annex I point 1',
    definition: 'Upper secondary or post-secondary education: ISCED level at entry 3 or 4.',
  },
  {
    code: 'EECO11',
    point: 'Annex I point 1',
    definition: 'Tertiary education: ISCED level at entry 5 to 8.',
  },
  {
    code: 'EECO12',
    point: 'Annex I point 1',
    definition:
      'Participants with disabilities: voluntary answer yes (GDPR Art. 9; counts only, never per participant).',
  },
  {
    code: 'EECO13',
    point: 'Annex I point 1',
    definition:
      'Third-country nationals: none of the nationalities at entry is an EU member state (stateless included).',
  },
  {
    code: 'EECO14',
    point: 'Annex I point 1',
    definition:
      'Participants with a foreign background (national definition): born outside Germany, or both parents born abroad. Counted independently of EECO13.',
  },
  {
    code: 'EECO15',
    point: 'Annex I point 1',
    definition:
      'Minorities (including marginalised communities such as the Roma): voluntary answer yes (counts only).',
  },
  {
    code: 'EECO16',
    point: 'Annex I point 1',
    definition: 'Homeless or affected by housing exclusion: voluntary answer yes (counts only).',
  },
  {
    code: 'EECR01',
    point: 'Annex I point 2',
    definition:
      'Engaged in job searching upon leaving: the last exit record within 28 days after leaving says job searching.',
  },
  {
    code: 'EECR02',
    point: 'Annex I point 2',
    definition:
      'In education or training upon leaving: the last exit record within 28 days after leaving says so.',
  },
  {
    code: 'EECR03',
    point: 'Annex I point 2',
    definition:
      'Gaining a qualification upon leaving: the last exit record within 28 days after leaving says so.',
  },
  {
    code: 'EECR04',
    point: 'Annex I point 2',
    definition:
      'In employment, including self-employment, upon leaving: the last exit record within 28 days after leaving says so (excludes EECR01).',
  },
  {
    code: 'EECR05',
    point: 'Annex I point 3',
    definition:
      'In employment, including self-employment, six months after leaving: the first follow-up from exit + 6 months to 3 months after that mark is employed or still self-employed (1) or not (0); no_consent without follow-up consent, not_due before the mark, missing when due and none.',
  },
];

const bit = (b: boolean): 0 | 1 => (b ? 1 : 0);

/** A case whose contacts sum to less than the office's minimum is a short contact, not a participant. */
export function isShortContact(
  f: Pick<ParticipationFacts, 'contactMinutes' | 'minimumContactHours'>,
): boolean {
  return f.contactMinutes < f.minimumContactHours * 60;
}

/** The exit record that counts: the last in [leftOn, leftOn + 28 days] (Annex I point 2). */
export function countingExit(f: Pick<ParticipationFacts, 'leftOn' | 'exits'>): ExitFacts | null {
  if (!f.leftOn) return null;
  const end = addDays(f.leftOn, EXIT_WINDOW_DAYS);
  const inWindow = f.exits.filter((e) => e.on >= f.leftOn! && e.on <= end);
  inWindow.sort((a, b) =>
    a.on === b.on ? a.createdAt.localeCompare(b.createdAt) : a.on.localeCompare(b.on),
  );
  return inWindow.at(-1) ?? null;
}

/** The 6-month result (Annex I point 3) as of `today`. */
export function longerTerm(
  f: Pick<ParticipationFacts, 'leftOn' | 'followUpConsentOn' | 'followUps'>,
  today: string,
): LongerTerm | null {
  if (!f.leftOn) return null;
  if (!f.followUpConsentOn) return 'no_consent';
  const mark = addMonths(f.leftOn, LONGER_TERM_MONTHS);
  if (today < mark) return 'not_due';
  const end = addMonths(mark, LONGER_TERM_WINDOW_MONTHS);
  const first = f.followUps
    .filter((u) => u.on >= mark && u.on <= end)
    .sort((a, b) => a.on.localeCompare(b.on))[0];
  if (!first) return 'missing';
  return bit(first.situation === 'employed' || first.stillSelfEmployed);
}

/** One participant's row of the export: pseudonym given, voluntary answers left out. */
export function participantRow(
  f: ParticipationFacts,
  participantId: string,
  officeCode: string,
  today: string,
): ParticipantRow {
  const s = f.employmentStatus;
  const age = f.ageAtEntry;
  const isced = f.iscedLevel;
  const exit = countingExit(f);
  return {
    participantId,
    officeCode,
    entryOn: f.entryOn,
    leftOn: f.leftOn,
    gender: f.gender,
    ageAtEntry: age,
    EECO01: 1,
    EECO02: bit(s === 'unemployed' || s === 'long_term_unemployed'),
    EECO03: bit(s === 'long_term_unemployed'),
    EECO04: bit(s === 'inactive'),
    EECO05: bit(s === 'employed'),
    EECO06: bit(age !== null && age < 18),
    EECO07: bit(age !== null && age >= 18 && age <= 29),
    EECO08: bit(age !== null && age >= 55),
    EECO09: bit(isced !== null && isced <= 2),
    EECO10: bit(isced !== null && isced >= 3 && isced <= 4),
    EECO11: bit(isced !== null && isced >= 5),
    EECO13: bit(f.thirdCountryNational),
    EECO14: bit(f.foreignBackground),
    exitRecord: !f.leftOn ? 'not_left' : exit ? 'recorded' : 'missing',
    EECR01: exit ? bit(exit.jobSearching) : null,
    EECR02: exit ? bit(exit.inEducationOrTraining) : null,
    EECR03: exit ? bit(exit.gainingQualification) : null,
    EECR04: exit ? bit(exit.inEmployment) : null,
    EECR05: longerTerm(f, today),
  };
}

/** The export's columns, in order. */
export const PARTICIPANT_COLUMNS: readonly (keyof ParticipantRow)[] = [
  'participantId',
  'officeCode',
  'entryOn',
  'leftOn',
  'gender',
  'ageAtEntry',
  'EECO01',
  'EECO02',
  'EECO03',
  'EECO04',
  'EECO05',
  'EECO06',
  'EECO07',
  'EECO08',
  'EECO09',
  'EECO10',
  'EECO11',
  'EECO13',
  'EECO14',
  'exitRecord',
  'EECR01',
  'EECR02',
  'EECR03',
  'EECR04',
  'EECR05',
];

/** A participation is in a period when it entered on or before its end and had not left before its start. */
export function activeIn(
  f: Pick<ParticipationFacts, 'entryOn' | 'leftOn'>,
  from: string,
  to: string,
): boolean {
  return f.entryOn <= to && (f.leftOn === null || f.leftOn >= from);
}
