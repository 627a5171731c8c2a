// Safe to import from servers (web, agent): nothing here starts processes or installs signal
// handlers. The embedded Postgres launcher is `@streambed/db/embedded`; test helpers are
// `@streambed/db/testing`.
export * from "./generated/prisma/client.ts";
export { hashAgentKey } from "./agent-key-hash.ts";
export { AGENT_LIVENESS_MS } from "./agent-liveness.ts";
export * from "./usage-metering.ts";
export { createPgPool, createPrismaClient, getPrisma } from "./client.ts";
export { runMigrations } from "./migrate/run-migrations.ts";
export type { MigrationReport, RunMigrationsOptions } from "./migrate/run-migrations.ts";
export { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from "./migrate/migration-files.ts";
export type { MigrationFile } from "./migrate/migration-files.ts";
export {
  FailedMigrationError,
  MigrationChecksumError,
  MigrationFailedError,
} from "./migrate/errors.ts";
