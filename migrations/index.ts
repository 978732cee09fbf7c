import { OfficesUsersAccess1764115200000 } from './1764115200000-OfficesUsersAccess';

/**
 * The migrations in the order they run. Listed explicitly (not globbed) so the same list works from
 * TypeScript in tests and from the compiled JavaScript of the service and the CLI.
 * A migration is never edited after it has landed: add a new one.
 */
export const MIGRATIONS: Function[] = [OfficesUsersAccess1764115200000];
