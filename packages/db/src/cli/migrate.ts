// `npm run db:migrate`: applies pending migrations to DATABASE_URL or, when it is unset, to the
// embedded Postgres in $STREAMBED_DATA_DIR/postgres (started for the run and stopped after).
import path from "node:path";
import { startEmbeddedPostgres } from "../embedded/start-embedded-postgres.ts";
import { runMigrations, type MigrationReport } from "../migrate/run-migrations.ts";

function printReport(target: string, report: MigrationReport): void {
  if (report.applied.length === 0) console.log(`Database ${target} is up to date.`);
  for (const name of report.applied) console.log(`Applied migration ${name}`);
  for (const name of report.unknown)
    console.warn(`Warning: applied migration ${name} has no local file`);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const target = new URL(databaseUrl);
    printReport(`${target.host}${target.pathname}`, await runMigrations({ databaseUrl }));
    return;
  }
  // npm runs workspace scripts inside the workspace; a relative data dir is meant from where npm was invoked.
  const invokedFrom = process.env.INIT_CWD ?? process.cwd();
  const dataDir = path.resolve(invokedFrom, process.env.STREAMBED_DATA_DIR ?? ".data", "postgres");
  const postgres = await startEmbeddedPostgres({ dataDir });
  try {
    printReport(`embedded (${dataDir})`, await runMigrations({ databaseUrl: postgres.url }));
  } finally {
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
