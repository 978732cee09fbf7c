import type { FounderDto } from './dto/founder.dto';
import type * as F from './dto/founder-fields';
import type { UpdateFounderDto } from './dto/founder-input.dto';
import type { FounderColumns, FounderRow, StoredProfile } from './founders.repository';

/** Fields that map one to one onto a nullable column. */
const PLAIN: [keyof UpdateFounderDto, keyof FounderColumns][] = [
  ['birthDate', 'birth_date'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['postalCode', 'postal_code'],
  ['city', 'city'],
  ['countryOfBirth', 'country_of_birth'],
  ['migrationBackground', 'migration_background'],
  ['germanLevel', 'german_level'],
  ['benefitStatus', 'benefit_status'],
  ['jobcenter', 'jobcenter'],
  ['jobcenterCustomerNumber', 'jobcenter_customer_number'],
  ['iscedLevel', 'isced_level'],
  ['foreignQualificationRecognition', 'foreign_qualification_recognition'],
  ['followUpConsentOn', 'follow_up_consent_on'],
];

/**
 * The columns to write for the fields present in a create or update body (undefined = leave as
 * is). Null clears a field; columns with a default (gender, permit, lists) return to it.
 */
export function toColumns(dto: UpdateFounderDto): Partial<FounderColumns> {
  const out: Record<string, unknown> = {};
  if (dto.firstName !== undefined) out.first_name = dto.firstName;
  if (dto.lastName !== undefined) out.last_name = dto.lastName;
  for (const [field, column] of PLAIN) {
    if (dto[field] !== undefined) out[column] = dto[field];
  }
  if (dto.gender !== undefined) out.gender = dto.gender ?? 'unknown';
  if (dto.selfEmploymentPermitted !== undefined) {
    out.self_employment_permitted = dto.selfEmploymentPermitted ?? 'unknown';
  }
  if (dto.nationalities !== undefined) out.nationalities = dto.nationalities ?? [];
  if (dto.languages !== undefined) {
    out.languages = (dto.languages ?? []).map((l) => ({ code: l.code, level: l.level }));
  }
  if (dto.consent !== undefined) {
    out.consent_given_on = dto.consent?.givenOn ?? null;
    out.consent_version = dto.consent?.version ?? null;
  }
  if (dto.profile !== undefined) out.profile = dto.profile === null ? null : toStoredProfile(dto);
  return out;
}

function toStoredProfile({ profile }: UpdateFounderDto): StoredProfile {
  const stored: StoredProfile = {};
  if (profile?.targetSector != null) stored.target_sector = profile.targetSector;
  if (profile?.wzCode != null) stored.wz_code = profile.wzCode;
  if (profile?.homeKnowledgeUsability != null) {
    stored.home_knowledge_usability = profile.homeKnowledgeUsability;
  }
  if (profile?.presumedMotivation != null) stored.presumed_motivation = profile.presumedMotivation;
  return stored;
}

export function toFounderDto(row: FounderRow): FounderDto {
  const p = row.profile;
  return {
    id: row.id,
    officeId: row.office_id,
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: row.birth_date,
    gender: row.gender,
    email: row.email,
    phone: row.phone,
    postalCode: row.postal_code,
    city: row.city,
    countryOfBirth: row.country_of_birth,
    nationalities: row.nationalities,
    migrationBackground: row.migration_background,
    languages: row.languages.map((l) => ({ code: l.code, level: l.level as F.LanguageLevel })),
    germanLevel: row.german_level,
    selfEmploymentPermitted: row.self_employment_permitted,
    benefitStatus: row.benefit_status,
    jobcenter: row.jobcenter,
    jobcenterCustomerNumber: row.jobcenter_customer_number,
    iscedLevel: row.isced_level,
    foreignQualificationRecognition: row.foreign_qualification_recognition,
    consent:
      row.consent_given_on !== null && row.consent_version !== null
        ? { givenOn: row.consent_given_on, version: row.consent_version }
        : null,
    followUpConsentOn: row.follow_up_consent_on,
    profile: p
      ? {
          targetSector: p.target_sector ?? null,
          wzCode: p.wz_code ?? null,
          homeKnowledgeUsability: p.home_knowledge_usability ?? null,
          presumedMotivation: (p.presumed_motivation as F.Motivation | undefined) ?? null,
        }
      : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
