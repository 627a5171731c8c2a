import { join } from "node:path";
import { runMigrations } from "@streambed/db";
import { startEmbeddedPostgres } from "@streambed/db/embedded";
import type { PlatformConfig } from "./config.ts";

export interface RunningDatabase {
  url: string;
  stop: () => Promise<void>;
}

/** DATABASE_URL when given, otherwise embedded Postgres persisted in the data dir; then migrations. */
export async function startDatabase(config: PlatformConfig): Promise<RunningDatabase> {
  const database: RunningDatabase = config.databaseUrl
    ? { url: config.databaseUrl, stop: async () => {} }
    : await startEmbeddedPostgres({ dataDir: join(config.dataDir, "postgres") });
  try {
    await runMigrations({ databaseUrl: database.url });
  } catch (err) {
    await database.stop();
    throw err;
  }
  return database;
}
