import { createTestDatabase, startTestPostgres } from "@streambed/db/testing";
import type { TestDatabase } from "@streambed/db/testing";

/**
 * A fresh migrated database for one test file: on the run's shared embedded Postgres when a
 * global setup started one, otherwise on a server started (and stopped) for this file.
 */
export async function databaseForFile(): Promise<{ db: TestDatabase; close(): Promise<void> }> {
  const server = process.env.STREAMBED_TEST_POSTGRES_ADMIN_URL ? null : await startTestPostgres();
  const db = await createTestDatabase(server?.adminUrl);
  return {
    db,
    async close() {
      await db.drop();
      await server?.teardown();
    },
  };
}
