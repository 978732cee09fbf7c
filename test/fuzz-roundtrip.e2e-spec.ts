import fc from 'fast-check';
import { isEmail } from 'class-validator';
import {
  BENEFIT_STATUSES,
  GENDERS,
  GERMAN_LEVELS,
  LANGUAGE_LEVELS,
  MOTIVATIONS,
  RECOGNITION_STATUSES,
  SELF_EMPLOYMENT_PERMITS,
} from '../src/founders/dto/founder-fields';
import { COUNTRY_CODES, LANGUAGE_CODES } from '../src/founders/iso-codes';
import { CHANNELS, FUNDING_ROUTES, LEGAL_FORMS } from '../src/cases/dto/case.dto';
import { todayInBerlin } from '../src/common/time/iso-date';
import { DEDUCTION_CODES, EXPENSE_CODES, RECEIPT_CODES } from '../src/reset/rules';
import { insertFounder, openCase } from './support/cases';
import { fuzzOptions, Json, RESET_BUSINESS, RESET_HOUSEHOLD } from './support/fuzz';
import type { TestApp } from './support/test-app';
import { useSeededApp, World } from './support/world';

/**
 * "A valid one round-trips": generated valid bodies are accepted, and reading the record back
 * gives exactly what was sent (after the documented normalisations: trimmed texts, upper-case
 * postal codes, defaults for absent or null fields, euros with their cents).
 */

// ---- generators of valid values --------------------------------------------------------------

const day = (d: Date) => d.toISOString().slice(0, 10);
const yesterday = () => new Date(Date.parse(`${todayInBerlin()}T00:00:00Z`) - 86_400_000);
/** A calendar date in [from, to], YYYY-MM-DD. */
const dateIn = (from: string, to: string | Date) =>
  fc
    .date({
      min: new Date(`${from}T00:00:00Z`),
      max: typeof to === 'string' ? new Date(`${to}T00:00:00Z`) : to,
      noInvalidDate: true,
    })
    .map(day);
const anyDate = dateIn('1900-01-01', '2200-12-31');
const pastDate = dateIn('1900-01-01', yesterday());

/** Printable text of any script (no NUL, no lone surrogates), at most `max` code points. */
const text = (max: number, minLength = 0) =>
  fc
    .string({ unit: 'grapheme', minLength, maxLength: Math.min(max, 40) })
    .filter((s) => [...s].length <= max);
/** Text the API trims: the expected value is the trimmed one, and it must not be blank. */
const trimmedText = (max: number) =>
  fc
    .tuple(
      fc.constantFrom('', ' ', '  ', '\t', '\u00a0'),
      text(max, 1),
      fc.constantFrom('', ' ', '\n'),
    )
    .map(([a, s, b]) => `${a}${s}${b}`)
    .filter((s) => s.trim().length > 0 && [...s.trim()].length <= max);

/** A field that may be absent (undefined), null, or a value. */
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: arb },
  );

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

const email = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9._%+-]{0,20}$/),
    fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}[a-z0-9]$/),
    fc.constantFrom('de', 'org', 'example', 'com'),
  )
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`)
  .filter((e) => isEmail(e) && e.length <= 254);
const phone = fc
  .array(fc.constantFrom(...'0123456789 +-()/'), { minLength: 1, maxLength: 40 })
  .map((cs) => cs.join(''))
  .filter((p) => /\d/.test(p) && p.trim().length > 0);
const postalCode = fc.oneof(
  fc.stringMatching(/^\d{5}$/),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 -]{0,8}[A-Za-z0-9]$/),
  fc.stringMatching(/^[A-Za-z0-9]$/),
);
const wzCode = fc.stringMatching(/^\d{2}(\.\d(\d(\.\d)?)?)?$/);

describe('valid requests round-trip', () => {
  let t: TestApp;
  let w: World;
  let sectors: string[];
  useSeededApp((app, world) => ([t, w] = [app, world]));
  beforeAll(async () => {
    sectors = (
      await t.http().get('/api/v1/target-sectors').set(w.as('advisorA')).expect(200)
    ).body.items.map((s: { code: string }) => s.code);
  });

  it('POST /founders stores what was sent, and GET gives it back', async () => {
    const founder = fc.record(
      {
        firstName: trimmedText(200),
        lastName: trimmedText(200),
        birthDate: maybe(pastDate),
        gender: maybe(fc.constantFrom(...GENDERS)),
        email: maybe(email),
        phone: maybe(phone),
        postalCode: maybe(postalCode),
        city: maybe(trimmedText(200)),
        countryOfBirth: maybe(fc.constantFrom(...COUNTRY_CODES)),
        nationalities: maybe(fc.uniqueArray(fc.constantFrom(...COUNTRY_CODES), { maxLength: 10 })),
        migrationBackground: maybe(fc.boolean()),
        languages: maybe(
          fc.uniqueArray(
            fc.record({
              code: fc.constantFrom(...LANGUAGE_CODES),
              level: fc.constantFrom(...LANGUAGE_LEVELS),
            }),
            {
              maxLength: 20,
              selector: (l) => l.code,
            },
          ),
        ),
        germanLevel: maybe(fc.constantFrom(...GERMAN_LEVELS)),
        selfEmploymentPermitted: maybe(fc.constantFrom(...SELF_EMPLOYMENT_PERMITS)),
        benefitStatus: maybe(fc.constantFrom(...BENEFIT_STATUSES)),
        jobcenter: maybe(trimmedText(200)),
        jobcenterCustomerNumber: maybe(trimmedText(50)),
        iscedLevel: maybe(fc.integer({ min: 0, max: 8 })),
        foreignQualificationRecognition: maybe(fc.constantFrom(...RECOGNITION_STATUSES)),
        consent: maybe(fc.record({ givenOn: pastDate, version: trimmedText(50) })),
        followUpConsentOn: maybe(pastDate),
        profile: maybe(
          fc.record(
            {
              targetSector: maybe(fc.constantFrom(...sectors)),
              wzCode: maybe(wzCode),
              homeKnowledgeUsability: maybe(fc.integer({ min: 0, max: 3 })),
              presumedMotivation: maybe(fc.constantFrom(...MOTIVATIONS)),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: ['firstName', 'lastName'] },
    );
    await fc.assert(
      fc.asyncProperty(founder, async (sent) => {
        const body = defined(sent);
        const created = await t
          .http()
          .post('/api/v1/founders?allowDuplicate=true')
          .set(w.as('advisorA'))
          .send(body);
        expect(created.status).toBe(201);
        const p = sent.profile;
        const expected = {
          id: created.body.id,
          officeId: w.officeA,
          firstName: sent.firstName.trim(),
          lastName: sent.lastName.trim(),
          birthDate: sent.birthDate ?? null,
          gender: sent.gender ?? 'unknown',
          email: sent.email ?? null,
          phone: sent.phone?.trim() ?? null,
          postalCode: sent.postalCode?.trim().toUpperCase() ?? null,
          city: sent.city?.trim() ?? null,
          countryOfBirth: sent.countryOfBirth ?? null,
          nationalities: sent.nationalities ?? [],
          migrationBackground: sent.migrationBackground ?? null,
          languages: sent.languages ?? [],
          germanLevel: sent.germanLevel ?? null,
          selfEmploymentPermitted: sent.selfEmploymentPermitted ?? 'unknown',
          benefitStatus: sent.benefitStatus ?? null,
          jobcenter: sent.jobcenter?.trim() ?? null,
          jobcenterCustomerNumber: sent.jobcenterCustomerNumber?.trim() ?? null,
          iscedLevel: sent.iscedLevel ?? null,
          foreignQualificationRecognition: sent.foreignQualificationRecognition ?? null,
          consent: sent.consent
            ? { givenOn: sent.consent.givenOn, version: sent.consent.version.trim() }
            : null,
          followUpConsentOn: sent.followUpConsentOn ?? null,
          profile: p
            ? {
                targetSector: p.targetSector ?? null,
                wzCode: p.wzCode ?? null,
                homeKnowledgeUsability: p.homeKnowledgeUsability ?? null,
                presumedMotivation: p.presumedMotivation ?? null,
              }
            : null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        };
        expect(created.body).toEqual(expected);
        const read = await t
          .http()
          .get(`/api/v1/founders/${created.body.id}`)
          .set(w.as('leadA'))
          .expect(200);
        expect(read.body).toEqual(created.body);
      }),
      fuzzOptions(30),
    );
  }, 60_000);

  it('PATCH /cases/:id stores every change (null clears), and GET gives the case back', async () => {
    const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
    const caseText = (max: number) =>
      fc.oneof(
        text(max),
        fc.constantFrom('', ' ', 'Änderungsschneiderei mit Lieferservice', 'مطعم'),
      );
    const patch = fc.record(
      {
        businessIdea: fc.option(caseText(4000), { nil: null }),
        sector: fc.option(fc.constantFrom(...sectors), { nil: null }), // a code of GET /target-sectors
        legalForm: fc.option(fc.constantFrom(...LEGAL_FORMS), { nil: null }),
        fundingRoute: fc.option(fc.constantFrom(...FUNDING_ROUTES), { nil: null }),
        channel: fc.option(fc.constantFrom(...CHANNELS), { nil: null }),
        contactLanguage: fc.option(fc.stringMatching(/^[a-z]{2}$/), { nil: null }),
        advisorId: fc.option(fc.constantFrom(w.users.advisorA.id, w.users.leadA.id), { nil: null }),
        mainOccupation: fc.option(fc.boolean(), { nil: null }),
        firstCounsellingScheduledOn: fc.option(anyDate, { nil: null }),
        suitability: fc.option(
          fc.record(
            {
              motivation: fc.integer({ min: 1, max: 5 }),
              tradeKnowledge: fc.integer({ min: 1, max: 5 }),
              businessSkills: fc.integer({ min: 1, max: 5 }),
              familySituation: fc.integer({ min: 1, max: 5 }),
              resilience: fc.integer({ min: 1, max: 5 }),
              summary: caseText(4000),
            },
            {
              requiredKeys: [
                'motivation',
                'tradeKnowledge',
                'businessSkills',
                'familySituation',
                'resilience',
              ],
            },
          ),
          { nil: null },
        ),
        businessPlanCompletedOn: fc.option(anyDate, { nil: null }),
        financePlanCompletedOn: fc.option(anyDate, { nil: null }),
        viabilityStatement: fc.option(fc.record({ issuedBy: text(200, 1), issuedOn: anyDate }), {
          nil: null,
        }),
        fundingAppliedOn: fc.option(anyDate, { nil: null }),
        fundingApprovedOn: fc.option(anyDate, { nil: null }),
        plannedStartOn: fc.option(anyDate, { nil: null }),
        permitsRequired: fc.option(fc.boolean(), { nil: null }),
        permitsObtainedOn: fc.option(anyDate, { nil: null }),
        businessStartedOn: fc.option(anyDate, { nil: null }),
        tradeRegisteredOn: fc.option(anyDate, { nil: null }),
        taxRegisteredOn: fc.option(anyDate, { nil: null }),
        provisionalIncomeDeclaredOn: fc.option(anyDate, { nil: null }),
        followUpOn: fc.option(anyDate, { nil: null }),
      },
      { requiredKeys: [] },
    );
    // The model of the case's data: what the sequence of PATCHes so far has set.
    const model: Record<string, Json> = {};
    const initial = (await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200))
      .body;
    await fc.assert(
      fc.asyncProperty(patch, fc.boolean(), async (body, withIfMatch) => {
        const before = (
          await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('advisorA')).expect(200)
        ).body;
        const req = t.http().patch(`/api/v1/cases/${c.id}`).set(w.as('advisorA'));
        if (withIfMatch) req.set('If-Match', `"${before.version}"`);
        const res = await req.send(body);
        expect(res.status).toBe(200);
        Object.assign(model, body);
        const read = await t.http().get(`/api/v1/cases/${c.id}`).set(w.as('leadA')).expect(200);
        for (const [field, value] of Object.entries({ ...initial, ...model })) {
          if (['updatedAt', 'availableEvents', 'version'].includes(field)) continue;
          expect({ field, value: read.body[field] }).toEqual({ field, value });
        }
        // Every PATCH that sets something is a new version; an empty one changes nothing.
        expect(read.body.version).toBe(before.version + (Object.keys(body).length > 0 ? 1 : 0));
        expect(read.body).toEqual({ ...res.body, availableEvents: read.body.availableEvents });
      }),
      fuzzOptions(30),
    );
  }, 60_000);

  it('POST /cases/:id/contacts stores the contact, and the list contains it', async () => {
    const c = await openCase(t, w, 'advisorA', await insertFounder(t, w.officeA));
    const contact = fc.record(
      {
        on: anyDate,
        minutes: fc.integer({ min: 1, max: 1440 }),
        format: fc.constantFrom('in_person', 'phone', 'video', 'email'),
        kind: fc.constantFrom('first_counselling', 'counselling', 'coaching', 'workshop', 'other'),
        topics: fc.array(text(200), { maxLength: 50 }),
        language: fc.stringMatching(/^[a-z]{2}$/),
        interpreter: fc.boolean(),
        notes: fc.oneof(
          text(10_000),
          fc.integer({ min: 1_000, max: 10_000 }).map((n) => 'ä'.repeat(n)),
        ),
      },
      { requiredKeys: ['on', 'minutes', 'format', 'kind'] },
    );
    await fc.assert(
      fc.asyncProperty(contact, async (sent) => {
        const created = await t
          .http()
          .post(`/api/v1/cases/${c.id}/contacts`)
          .set(w.as('advisorA'))
          .send(sent);
        expect(created.status).toBe(201);
        const expected = {
          id: created.body.id,
          caseId: c.id,
          on: sent.on,
          minutes: sent.minutes,
          format: sent.format,
          kind: sent.kind,
          topics: sent.topics ?? [],
          language: sent.language ?? null,
          interpreter: sent.interpreter ?? false,
          notes: sent.notes ?? null,
          createdBy: w.users.advisorA.id,
          createdAt: expect.any(String),
          caseVersion: expect.any(Number),
        };
        expect(created.body).toEqual(expected);
        const list = await t
          .http()
          .get(`/api/v1/cases/${c.id}/contacts`)
          .set(w.as('leadA'))
          .expect(200);
        const { caseVersion: _caseVersion, ...stored } = created.body;
        expect(list.body.items).toContainEqual(stored);
      }),
      fuzzOptions(25),
    );
  }, 60_000);

  it('PUT /reset-analyses/:id/periods/:periodStart stores the EKS period in cents, idempotently', async () => {
    const [founder] = await t.db.query(
      `INSERT INTO founder (office_id, first_name, last_name) VALUES ($1, 'Aylin', 'Demir') RETURNING id`,
      [w.officeA],
    );
    const ym = (index: number) =>
      `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    const daysIn = (index: number) =>
      new Date(Date.UTC(Math.floor(index / 12), (index % 12) + 1, 0)).getUTCDate();
    /** An amount as clients send it: a number or a decimal string, with its cents. */
    const amount = fc.integer({ min: 0, max: 1_000_000_000 }).chain((cents) =>
      fc
        .constantFrom<(c: number) => Json>(
          (c) => c / 100,
          (c) => (c / 100).toFixed(2),
          (c) => (c % 100 === 0 ? String(c / 100) : (c / 100).toFixed(2)),
          (c) => (c % 10 === 0 ? (c / 100).toFixed(1) : c / 100),
        )
        .map((write) => ({ sent: write(cents), cents })),
    );
    const lines = (codes: ReadonlySet<string>) =>
      fc.dictionary(fc.constantFrom(...codes), amount, { maxKeys: codes.size });
    const period = fc
      .record({
        startMonth: fc.integer({ min: 2024 * 12, max: 2027 * 12 + 11 }),
        startDay: fc.integer({ min: 1, max: 31 }),
        skip: fc.integer({ min: 0, max: 1 }),
        count: fc.integer({ min: 1, max: 6 }),
        extra: fc.integer({ min: 0, max: 2 }),
        endDay: fc.integer({ min: 1, max: 31 }),
        kind: fc.constantFrom('provisional', 'final'),
        due: maybe(dateIn('2024-01-01', '2030-12-31')),
      })
      .chain((p) => {
        const startDay = Math.min(p.startDay, daysIn(p.startMonth));
        const first = p.startMonth + p.skip; // the months lie inside the period, not necessarily from its start
        const months = Array.from({ length: p.count }, (_, i) => first + i);
        const endMonth = months[months.length - 1] + p.extra;
        const endDay = Math.max(
          Math.min(p.endDay, daysIn(endMonth)),
          endMonth === p.startMonth ? startDay : 1,
        );
        return fc
          .tuple(
            fc.shuffledSubarray(months, { minLength: months.length, maxLength: months.length }),
            fc.array(
              fc.record({
                receipts: fc.option(lines(RECEIPT_CODES), { nil: undefined }),
                expenses: fc.option(lines(EXPENSE_CODES), { nil: undefined }),
                deductions: fc.option(lines(DEDUCTION_CODES), { nil: undefined }),
              }),
              {
                minLength: months.length,
                maxLength: months.length,
              },
            ),
          )
          .map(([order, tables]) => ({
            periodStart: `${ym(p.startMonth)}-${String(startDay).padStart(2, '0')}`,
            periodEnd: `${ym(endMonth)}-${String(endDay).padStart(2, '0')}`,
            kind: p.kind,
            due: p.due,
            months: order.map((index, i) => ({ month: ym(index), ...tables[i] })),
          }));
      });
    const sentLines = (l?: Record<string, { sent: Json; cents: number }>) =>
      Object.fromEntries(Object.entries(l ?? {}).map(([k, v]) => [k, v.sent]));
    const centsOf = (l?: Record<string, { sent: Json; cents: number }>) =>
      Object.fromEntries(Object.entries(l ?? {}).map(([k, v]) => [k, v.cents]));
    const eurosOf = (l?: Record<string, { sent: Json; cents: number }>) =>
      Object.fromEntries(Object.entries(l ?? {}).map(([k, v]) => [k, v.cents / 100]));
    await fc.assert(
      fc.asyncProperty(period, async (p) => {
        const analysis = await t
          .http()
          .post('/api/v1/reset-analyses')
          .set(w.as('advisorA'))
          .send({ founderId: founder.id, business: RESET_BUSINESS, household: RESET_HOUSEHOLD })
          .expect(201);
        const body = defined({
          periodEnd: p.periodEnd,
          kind: p.kind,
          finalDeclarationDueOn: p.due,
          months: p.months.map((m) =>
            defined({
              month: m.month,
              receipts: m.receipts && sentLines(m.receipts),
              expenses: m.expenses && sentLines(m.expenses),
              deductions: m.deductions && sentLines(m.deductions),
            }),
          ),
        });
        const url = `/api/v1/reset-analyses/${analysis.body.id}/periods/${p.periodStart}`;
        const first = await t.http().put(url).set(w.as('advisorA')).send(body);
        expect({ status: first.status, body: first.status === 201 ? null : first.body }).toEqual({
          status: 201,
          body: null,
        });
        const expected = {
          analysisId: analysis.body.id,
          periodStart: p.periodStart,
          periodEnd: p.periodEnd,
          version: 1,
          kind: p.kind,
          finalDeclarationDueOn: p.due ?? null,
          months: [...p.months]
            .sort((a, b) => a.month.localeCompare(b.month))
            .map((m) => ({
              month: m.month,
              receipts: eurosOf(m.receipts),
              receiptsCents: centsOf(m.receipts),
              expenses: eurosOf(m.expenses),
              expensesCents: centsOf(m.expenses),
              deductions: eurosOf(m.deductions),
              deductionsCents: centsOf(m.deductions),
            })),
          createdBy: w.users.advisorA.id,
          createdAt: expect.any(String),
          analysisVersion: 2,
        };
        expect(first.body).toEqual(expected);
        // The same PUT again is no new version (of the period or of the analysis).
        const again = await t.http().put(url).set(w.as('leadA')).send(body).expect(200);
        expect(again.body).toEqual(first.body);
        const list = await t
          .http()
          .get(`/api/v1/reset-analyses/${analysis.body.id}/periods?allVersions=true`)
          .set(w.as('auditorA'))
          .expect(200);
        const { analysisVersion: _analysisVersion, ...period } = first.body;
        expect(list.body.items).toEqual([period]);
      }),
      fuzzOptions(15),
    );
  }, 60_000);
});
