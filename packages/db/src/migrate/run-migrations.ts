import { randomUUID } from "node:crypto";
import pg from "pg";
import { FailedMigrationError, MigrationChecksumError, MigrationFailedError } from "./errors.ts";
import { DEFAULT_MIGRATIONS_DIR, matchesChecksum, readMigrationFiles } from "./migration-files.ts";

export interface RunMigrationsOptions {
  databaseUrl: string;
  /** Defaults to this package's prisma/migrations. */
  migrationsDir?: string;
}

export interface MigrationReport {
  /** Migrations applied by this run, in order (empty when the database was up to date). */
  applied: string[];
  /** Migrations recorded in the database that have no local file (a newer version migrated it). */
  unknown: string[];
}

// The key Prisma's schema engine locks, so this runner and `prisma migrate deploy` exclude each other.
const MIGRATION_LOCK_KEY = 72707369;

// Prisma's own definition of its bookkeeping table.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Applies the pending migrations of `migrationsDir` in name order, each in its own transaction,
 * recording them in Prisma's `_prisma_migrations` table. Concurrent runs serialise on one
 * Postgres advisory lock (the later one then finds nothing to do). Refuses to run, before
 * applying anything, when an applied migration's file changed or a recorded migration never
 * finished. Migrations must therefore not use statements that cannot run in a transaction
 * (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE before PG 12).
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<MigrationReport> {
  const files = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      return await migrateLocked(client, files);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function migrateLocked(
  client: pg.Client,
  files: Awaited<ReturnType<typeof readMigrationFiles>>,
): Promise<MigrationReport> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
     WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  const failed = rows.find((row) => row.finished_at === null);
  if (failed) throw new FailedMigrationError(failed.migration_name);
  const appliedChecksums = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  for (const file of files) {
    const checksum = appliedChecksums.get(file.name);
    if (checksum !== undefined && !matchesChecksum(file, checksum))
      throw new MigrationChecksumError(file.name);
  }

  const applied: string[] = [];
  for (const file of files.filter((f) => !appliedChecksums.has(f.name))) {
    try {
      await client.query("BEGIN");
      const id = randomUUID();
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [id, file.checksum, file.name],
      );
      await client.query(file.sql);
      await client.query(
        `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw new MigrationFailedError(file.name, error);
    }
    applied.push(file.name);
  }
  const local = new Set(files.map((f) => f.name));
  return {
    applied,
    unknown: rows.map((row) => row.migration_name).filter((name) => !local.has(name)),
  };
}
