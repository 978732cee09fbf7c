import { OfficesUsersAccess1764115200000 } from './1764115200000-OfficesUsersAccess';
import { Founders1764115300000 } from './1764115300000-Founders';
import { Cases1764115400000 } from './1764115400000-Cases';
import { ResetAnalyses1764115500000 } from './1764115500000-ResetAnalyses';
import { HistoryHashChain1764115600000 } from './1764115600000-HistoryHashChain';
import { ExportManifests1764115700000 } from './1764115700000-ExportManifests';
import { ResetHistoryChain1764115800000 } from './1764115800000-ResetHistoryChain';
import { Erasure1764115900000 } from './1764115900000-Erasure';
import { ExportChainHeads1764116000000 } from './1764116000000-ExportChainHeads';
import { ChainFormat1764116200000 } from './1764116200000-ChainFormat';
import { SignInReservations1764116100000 } from './1764116100000-SignInReservations';
import { UserTokenEpoch1764116110000 } from './1764116110000-UserTokenEpoch';
import { RowLevelSecurity1764116300000 } from './1764116300000-RowLevelSecurity';
import { AdvisorDesk1764116400000 } from './1764116400000-AdvisorDesk';
import { CaseTransfers1764116500000 } from './1764116500000-CaseTransfers';
import { DeskIndexes1764116600000 } from './1764116600000-DeskIndexes';
import { ReportCounts1764116700000 } from './1764116700000-ReportCounts';
import { FunnelIndexes1764116900000 } from './1764116900000-FunnelIndexes';
import { EsfParticipants1764117000000 } from './1764117000000-EsfParticipants';
import { BenefitsEnded1764117100000 } from './1764117100000-BenefitsEnded';
import { MilestoneCounts1764117200000 } from './1764117200000-MilestoneCounts';
import { Webhooks1764117300000 } from './1764117300000-Webhooks';
import { WebhookEvents1764117400000 } from './1764117400000-WebhookEvents';
import { OidcSignIn1764117500000 } from './1764117500000-OidcSignIn';
import { CredentialNotify1764117600000 } from './1764117600000-CredentialNotify';

/**
 * The migrations in the order they run. Listed explicitly (not globbed) so the same list works from
 * TypeScript in tests and from the compiled JavaScript of the service and the CLI.
 * A migration is never edited after it has landed: add a new one.
 */
export const MIGRATIONS: Function[] = [
  OfficesUsersAccess1764115200000,
  Founders1764115300000,
  Cases1764115400000,
  ResetAnalyses1764115500000,
  HistoryHashChain1764115600000,
  ExportManifests1764115700000,
  ResetHistoryChain1764115800000,
  Erasure1764115900000,
  ExportChainHeads1764116000000,
  SignInReservations1764116100000,
  UserTokenEpoch1764116110000,
  ChainFormat1764116200000,
  RowLevelSecurity1764116300000,
  AdvisorDesk1764116400000,
  CaseTransfers1764116500000,
  DeskIndexes1764116600000,
  ReportCounts1764116700000,
  FunnelIndexes1764116900000,
  EsfParticipants1764117000000,
  BenefitsEnded1764117100000,
  MilestoneCounts1764117200000,
  Webhooks1764117300000,
  WebhookEvents1764117400000,
  OidcSignIn1764117500000,
  CredentialNotify1764117600000,
];
