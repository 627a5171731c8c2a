/**
 * Test helpers: one embedded Postgres per test run, one fresh migrated database per test file.
 *
 * vitest.config.ts:
 *   export default defineConfig({ test: { globalSetup: ["./test/global-setup.ts"] } });
 *
 * test/global-setup.ts (runs once, in the main Vitest process):
 *   import type { TestProject } from "vitest/node";
 *   import { startTestPostgres } from "@streambed/db/testing";
 *
 *   export default async function setup(project: TestProject) {
 *     const postgres = await startTestPostgres();
 *     project.provide("postgresAdminUrl", postgres.adminUrl);
 *     return postgres.teardown;
 *   }
 *
 *   declare module "vitest" {
 *     export interface ProvidedContext { postgresAdminUrl: string }
 *   }
 *
 * some.test.ts:
 *   import { afterAll, beforeAll, inject } from "vitest";
 *   import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
 *
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await createTestDatabase(inject("postgresAdminUrl")); });
 *   afterAll(() => db.drop());
 *   // db.url, db.prisma (PrismaClient), db.pool (pg.Pool, bigint for BIGINT columns)
 *
 * `createTestDatabase()` without an argument also works in workers started after
 * `startTestPostgres()`: it sets STREAMBED_TEST_POSTGRES_ADMIN_URL, which workers inherit.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createPgPool, createPrismaClient } from "./client.ts";
import { startEmbeddedPostgres } from "./embedded/start-embedded-postgres.ts";
import type { PrismaClient } from "./generated/prisma/client.ts";
import { readMigrationFiles } from "./migrate/migration-files.ts";
import { runMigrations } from "./migrate/run-migrations.ts";

const ADMIN_URL_ENV = "STREAMBED_TEST_POSTGRES_ADMIN_URL";
// Serialises template creation between test workers (any constant distinct from the migration lock).
const TEMPLATE_LOCK_KEY = 72707370;

export interface TestPostgres {
  /** URL of the server's `postgres` maintenance database; pass it to createTestDatabase. */
  adminUrl: string;
  /** Stops the server and deletes its data dir. */
  teardown(): Promise<void>;
}

export interface TestDatabase {
  url: string;
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Disconnects `prisma` and `pool` and drops the database. */
  drop(): Promise<void>;
}

/**
 * Starts one throwaway embedded Postgres (free port, fresh temp dir, durability off for speed)
 * and prepares the migrated template database. Meant for a Vitest globalSetup.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const root = await mkdtemp(path.join(tmpdir(), "streambed-test-pg-"));
  await chmod(root, 0o755); // the postgres user must enter it when tests run as root
  try {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(root, "data"),
      database: "postgres",
      settings: {
        fsync: "off",
        synchronous_commit: "off",
        full_page_writes: "off",
        max_connections: "300",
      },
      initdbFlags: ["--no-sync"],
    });
    await ensureTemplateDatabase(server.adminUrl);
    process.env[ADMIN_URL_ENV] = server.adminUrl;
    return {
      adminUrl: server.adminUrl,
      async teardown() {
        delete process.env[ADMIN_URL_ENV];
        await server.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Creates a uniquely named database copied from the migrated template (made once per server
 * and migration set), with a PrismaClient and a pg Pool on it.
 */
export async function createTestDatabase(
  adminUrl: string | undefined = process.env[ADMIN_URL_ENV],
): Promise<TestDatabase> {
  if (!adminUrl) {
    throw new Error(
      "createTestDatabase: no admin URL. Call startTestPostgres() in a Vitest globalSetup and pass " +
        'inject("postgresAdminUrl") (see the example at the top of @streambed/db/testing).',
    );
  }
  const template = await ensureTemplateDatabase(adminUrl);
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  // FILE_COPY copies the small template's files instead of WAL-logging every block: about twice
  // as fast here, and its checkpoint is cheap on the fsync=off test server.
  await withAdminClient(adminUrl, (admin) =>
    admin.query(
      `CREATE DATABASE ${admin.escapeIdentifier(name)} TEMPLATE ${admin.escapeIdentifier(template)} STRATEGY FILE_COPY`,
    ),
  );
  const url = databaseUrl(adminUrl, name);
  const prisma = createPrismaClient(url);
  const pool = createPgPool(url);
  return {
    url,
    prisma,
    pool,
    async drop() {
      await prisma.$disconnect();
      await pool.end();
      await withAdminClient(adminUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withAdminClient<T>(
  adminUrl: string,
  use: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The template's name carries a hash of the migrations, so a changed migration set gets a new one. */
async function ensureTemplateDatabase(adminUrl: string): Promise<string> {
  const files = await readMigrationFiles();
  const hash = createHash("sha256");
  for (const file of files) hash.update(`${file.name}:${file.checksum}\n`);
  const template = `streambed_template_${hash.digest("hex").slice(0, 16)}`;
  await withAdminClient(adminUrl, async (admin) => {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (found.rowCount !== 0) return;
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(building)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(building)}`);
      await runMigrations({ databaseUrl: databaseUrl(adminUrl, building) });
      // Renamed only once complete, so a crash mid-way never leaves a half-migrated template.
      await admin.query(
        `ALTER DATABASE ${admin.escapeIdentifier(building)} RENAME TO ${admin.escapeIdentifier(template)}`,
      );
      await admin.query(
        `ALTER DATABASE ${admin.escapeIdentifier(template)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
      );
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]);
    }
  });
  return template;
}
