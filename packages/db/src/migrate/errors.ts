/** An applied migration's migration.sql differs from what was applied. */
export class MigrationChecksumError extends Error {
  override readonly name = "MigrationChecksumError";
  constructor(readonly migrationName: string) {
    super(
      `Migration ${migrationName} was modified after it was applied to the database ` +
        `(its checksum differs from _prisma_migrations). Restore the original migration.sql ` +
        `and put the change into a new migration.`,
    );
  }
}

/** `_prisma_migrations` records a migration that started but never finished (e.g. by `prisma migrate deploy`). */
export class FailedMigrationError extends Error {
  override readonly name = "FailedMigrationError";
  constructor(readonly migrationName: string) {
    super(
      `Migration ${migrationName} is recorded as started but not finished. Repair the database, then ` +
        `mark it with \`prisma migrate resolve\` (or delete its _prisma_migrations row) before migrating.`,
    );
  }
}

/** A migration's SQL failed; its transaction was rolled back, so nothing of it remains. */
export class MigrationFailedError extends Error {
  override readonly name = "MigrationFailedError";
  constructor(
    readonly migrationName: string,
    override readonly cause: unknown,
  ) {
    super(
      `Migration ${migrationName} failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
