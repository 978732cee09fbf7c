import { AppError } from '../common/errors/app-error';
import type { CaseStatus } from '../phase-model';

/** What a follow-up is checked against: the locked case and its founder's consent. */
export interface FollowUpFacts {
  status: CaseStatus;
  /** The exit day; null only for a case closed before exit days were kept. */
  exitedOn: string | null;
  followUpConsentOn: string | null;
}

/**
 * A follow-up asks how the person is doing after the case ended, so the case must be closed, the
 * founder must have agreed to be asked (it is voluntary), and the day lies after the exit (the
 * DTO already refuses a day in the future).
 */
export function assertFollowUpAllowed(facts: FollowUpFacts, on: string): void {
  // Closed is the status of both endings (COMPLETE and DROP_OUT; the machine keeps which).
  if (facts.status !== 'closed') {
    throw new AppError(
      'case_not_closed',
      `A follow-up needs a completed or dropped-out case; this one is ${facts.status}.`,
    );
  }
  if (facts.followUpConsentOn === null) {
    throw new AppError(
      'follow_up_consent_missing',
      'The founder has not agreed to follow-ups (followUpConsentOn).',
    );
  }
  if (facts.exitedOn !== null && on < facts.exitedOn) {
    throw new AppError(
      'validation_failed',
      `on must not be before the exit day ${facts.exitedOn}.`,
      {
        errors: [
          { field: 'on', message: `must not be before the case's exitedOn (${facts.exitedOn})` },
        ],
      },
    );
  }
}
