import { Inject, Injectable } from '@nestjs/common';
import { AccessLogService } from '../access-log/access-log.service';
import { officesFor } from '../auth/office-scope';
import type { RequestContext } from '../auth/request-context';
import { AppError } from '../common/errors/app-error';
import { OfficeDb } from '../database/office-transaction';
import { assertNotErased } from '../privacy/erased';
import type {
  CreateEsfExitDto,
  EsfEntryDto,
  EsfExitDto,
  EsfExitListDto,
  PutEsfEntryDto,
} from './dto/esf.dto';
import {
  addDays,
  ageOn,
  countingExit,
  ESF_GENDERS,
  EXIT_WINDOW_DAYS,
  hasForeignBackground,
  HOME_COUNTRY,
  isThirdCountryNational,
  type EsfGender,
} from './esf-indicators';
import {
  EsfRepository,
  type EsfEntryRow,
  type EsfExitRow,
  type EsfVoluntaryRow,
} from './esf.repository';

function invalid(field: string, message: string): never {
  throw new AppError('validation_failed', `${field} ${message}.`, { errors: [{ field, message }] });
}

function toEntryDto(e: EsfEntryRow, v: EsfVoluntaryRow | null): EsfEntryDto {
  return {
    caseId: e.case_id,
    officeId: e.office_id,
    esfEntry: e.entry_on,
    employmentStatus: e.employment_status,
    gender: e.gender,
    ageAtEntry: e.age_at_entry,
    iscedLevel: e.isced_level,
    thirdCountryNational: e.third_country_national,
    bornAbroad: e.born_abroad,
    parentsBornAbroad: e.parents_born_abroad,
    foreignBackground: e.foreign_background,
    // Written together with the entry; an erasure deletes them (then not_stated).
    disability: v?.disability ?? 'not_stated',
    minority: v?.minority ?? 'not_stated',
    homelessOrHousingExclusion: v?.homeless_or_housing_exclusion ?? 'not_stated',
    version: e.version,
    updatedAt: e.updated_at.toISOString(),
  };
}

function toExitDto(x: EsfExitRow, counting: string | null): EsfExitDto {
  return {
    id: x.id,
    caseId: x.case_id,
    on: x.on,
    jobSearching: x.job_searching,
    inEducationOrTraining: x.in_education_or_training,
    gainingQualification: x.gaining_qualification,
    inEmployment: x.in_employment,
    counts: x.id === counting,
    createdAt: x.created_at.toISOString(),
  };
}

/**
 * The ESF Plus entry record (Annex I point 1) and the exit records (Annex I point 2) of a case.
 * The entry copies and derives what the indicators need from the founder at the time it is
 * written, so a later change of the founder (or an erasure) does not change what was reported;
 * the voluntary answers go to a table of their own (GDPR Art. 9) and are never logged.
 */
@Injectable()
export class EsfService {
  constructor(
    @Inject(OfficeDb) private readonly officeDb: OfficeDb,
    @Inject(EsfRepository) private readonly esf: EsfRepository,
    @Inject(AccessLogService) private readonly accessLog: AccessLogService,
  ) {}

  putEntry(ctx: RequestContext, caseId: string, dto: PutEsfEntryDto): Promise<EsfEntryDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.write'), async (tx) => {
      const c = await this.esf.caseFacts(tx, caseId, true);
      if (!c) throw new AppError('not_found', 'No such case.');
      assertNotErased(c);
      const founderGender = (ESF_GENDERS as readonly string[]).includes(c.founder_gender)
        ? (c.founder_gender as EsfGender)
        : null;
      const gender = dto.gender ?? founderGender;
      if (!gender)
        invalid(
          'gender',
          'must be given: the founder\u2019s gender is not recorded (female, male, non_binary)',
        );
      const entry = await this.esf.upsertEntry(tx, {
        case_id: c.id,
        office_id: c.office_id,
        entry_on: dto.esfEntry,
        employment_status: dto.employmentStatus,
        gender,
        age_at_entry: ageOn(dto.esfEntry, c.birth_date, c.birth_year),
        isced_level: c.isced_level,
        third_country_national: isThirdCountryNational(c.nationalities),
        born_abroad: c.country_of_birth === null ? null : c.country_of_birth !== HOME_COUNTRY,
        parents_born_abroad: dto.parentsBornAbroad,
        foreign_background: hasForeignBackground(c.country_of_birth, dto.parentsBornAbroad),
        updated_by: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      });
      const voluntary = await this.esf.upsertVoluntary(tx, {
        case_id: c.id,
        office_id: c.office_id,
        disability: dto.disability,
        minority: dto.minority,
        homeless_or_housing_exclusion: dto.homelessOrHousingExclusion,
      });
      this.accessLog.record(
        ctx,
        {
          officeId: c.office_id,
          resourceType: 'esf_entry',
          resourceId: c.id,
          action: entry.version === 1 ? 'create' : 'update',
        },
        tx,
      );
      return toEntryDto(entry, voluntary);
    });
  }

  /** Advisors and leads only: the entry carries the voluntary answers (GDPR Art. 9). */
  getEntry(ctx: RequestContext, caseId: string): Promise<EsfEntryDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'founders.read'), async (tx) => {
      const found = await this.esf.entry(tx, caseId);
      if (!found) throw new AppError('not_found', 'No ESF Plus entry record for this case.');
      this.accessLog.record(
        ctx,
        {
          officeId: found.entry.office_id,
          resourceType: 'esf_entry',
          resourceId: caseId,
          action: 'read',
        },
        tx,
      );
      return toEntryDto(found.entry, found.voluntary);
    });
  }

  addExit(ctx: RequestContext, caseId: string, dto: CreateEsfExitDto): Promise<EsfExitDto> {
    // Annex I point 2: job searching and in employment exclude each other.
    if (dto.jobSearching && dto.inEmployment)
      invalid('inEmployment', 'must be false when jobSearching is true (they exclude each other)');
    return this.officeDb.run(officesFor(ctx.actor, 'case.write'), async (tx) => {
      const c = await this.esf.caseFacts(tx, caseId, true);
      if (!c) throw new AppError('not_found', 'No such case.');
      assertNotErased(c);
      if (c.status !== 'closed' || !c.exited_on)
        throw new AppError('case_not_closed', 'Exit records are for closed cases only.');
      const last = addDays(c.exited_on, EXIT_WINDOW_DAYS);
      if (dto.on < c.exited_on)
        invalid('on', `must not be before the case\u2019s exit day ${c.exited_on}`);
      if (dto.on > last)
        invalid('on', `must be at most ${EXIT_WINDOW_DAYS} days after the exit day (${last})`);
      const row = await this.esf.insertExit(tx, {
        case_id: c.id,
        office_id: c.office_id,
        on: dto.on,
        job_searching: dto.jobSearching,
        in_education_or_training: dto.inEducationOrTraining,
        gaining_qualification: dto.gainingQualification,
        in_employment: dto.inEmployment,
        created_by: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      });
      this.accessLog.record(
        ctx,
        {
          officeId: c.office_id,
          resourceType: 'esf_exit',
          resourceId: row.id,
          action: 'create',
          details: { caseId },
        },
        tx,
      );
      const all = await this.esf.exits(tx, caseId);
      return toExitDto(row, this.countingId(c.exited_on, all));
    });
  }

  listExits(ctx: RequestContext, caseId: string): Promise<EsfExitListDto> {
    return this.officeDb.run(officesFor(ctx.actor, 'case.read'), async (tx) => {
      const c = await this.esf.caseFacts(tx, caseId, false);
      if (!c) throw new AppError('not_found', 'No such case.');
      const rows = await this.esf.exits(tx, caseId);
      this.accessLog.record(
        ctx,
        { officeId: c.office_id, resourceType: 'esf_exit', resourceId: caseId, action: 'list' },
        tx,
      );
      const counting = c.status === 'closed' ? this.countingId(c.exited_on, rows) : null;
      return { items: rows.map((r) => toExitDto(r, counting)) };
    });
  }

  private countingId(leftOn: string | null, rows: EsfExitRow[]): string | null {
    const exits = rows.map((r) => ({
      id: r.id,
      on: r.on,
      jobSearching: r.job_searching,
      inEducationOrTraining: r.in_education_or_training,
      gainingQualification: r.gaining_qualification,
      inEmployment: r.in_employment,
      createdAt: r.created_at.toISOString(),
    }));
    const chosen = countingExit({ leftOn, exits }) as (typeof exits)[number] | null;
    return chosen?.id ?? null;
  }
}
