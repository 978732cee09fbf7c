/**
 * Every TypeORM entity of the service, listed once. Features add their entities here; the schema
 * itself is defined by the SQL migrations in /migrations.
 */
export const ENTITIES: Function[] = [];
