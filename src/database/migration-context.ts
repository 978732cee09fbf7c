/**
 * Secrets a data migration may need (e.g. to compute hash chains of existing rows). Set by
 * Database.open before migrations run; migrations read them instead of the environment.
 */
let secrets: { pseudonymKey?: string } = {};

export function setMigrationSecrets(values: { pseudonymKey?: string }): void {
  secrets = values;
}

export function migrationSecret(name: 'pseudonymKey'): string | undefined {
  return secrets[name];
}
