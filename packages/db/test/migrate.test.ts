import { cp, mkdtemp, rm, writeFile, appendFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from "../src/migrate/migration-files.ts";
import { runMigrations } from "../src/migrate/run-migrations.ts";
import { MigrationChecksumError, MigrationFailedError } from "../src/migrate/errors.ts";

const adminUrl = inject("postgresAdminUrl");
const created: string[] = [];
let scratch: string;

function urlOf(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A new empty database (not from the template: these tests exercise migrating from scratch). */
async function emptyDatabase(): Promise<string> {
  const name = `migrate_${created.length}_${process.pid}_${Date.now().toString(36)}`;
  await admin(`CREATE DATABASE "${name}"`);
  created.push(name);
  return urlOf(name);
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(scratch, "migrations-"));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "streambed-migrate-test-"));
});

afterAll(async () => {
  for (const name of created) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await rm(scratch, { recursive: true, force: true });
});

describe("runMigrations", () => {
  it("migrates a fresh database and records Prisma-compatible bookkeeping", async () => {
    const url = await emptyDatabase();
    const files = await readMigrationFiles();
    const report = await runMigrations({ databaseUrl: url });
    expect(report).toEqual({ applied: files.map((f) => f.name), unknown: [] });

    const rows = await query<Record<string, unknown>>(
      url,
      `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY started_at`,
    );
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
      files.map((f) => [f.name, f.checksum, 1]),
    );
    for (const row of rows) {
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
    }
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["users", "topics", "partition_index"]),
    );
  });

  it("is a no-op when the database is up to date", async () => {
    const url = await emptyDatabase();
    await runMigrations({ databaseUrl: url });
    const before = await query(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(await runMigrations({ databaseUrl: url })).toEqual({ applied: [], unknown: [] });
    expect(await query(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).toEqual(
      before,
    );
  });

  it("applies only migrations added since the last run", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await runMigrations({ databaseUrl: url, migrationsDir: dir });
    await mkdir(path.join(dir, "29990101000000_add_note"));
    await writeFile(
      path.join(dir, "29990101000000_add_note", "migration.sql"),
      `ALTER TABLE "topics" ADD COLUMN "note" TEXT;`,
    );
    expect(await runMigrations({ databaseUrl: url, migrationsDir: dir })).toEqual({
      applied: ["29990101000000_add_note"],
      unknown: [],
    });
  });

  it("refuses to run when an applied migration's file changed, naming it", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await runMigrations({ databaseUrl: url, migrationsDir: dir });
    const [first] = await readMigrationFiles(dir);
    await appendFile(path.join(dir, first!.name, "migration.sql"), "\n-- edited\n");
    await mkdir(path.join(dir, "29990101000000_pending"));
    await writeFile(
      path.join(dir, "29990101000000_pending", "migration.sql"),
      `CREATE TABLE "pending" ("id" INT);`,
    );

    const run = runMigrations({ databaseUrl: url, migrationsDir: dir });
    await expect(run).rejects.toBeInstanceOf(MigrationChecksumError);
    await expect(run).rejects.toThrow(first!.name);
    const pending = await query(
      url,
      `SELECT 1 FROM information_schema.tables WHERE table_name = 'pending'`,
    );
    expect(pending).toEqual([]); // nothing was applied
  });

  it("accepts an applied migration whose line endings changed (git autocrlf), as Prisma does", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await runMigrations({ databaseUrl: url, migrationsDir: dir });
    const [first] = await readMigrationFiles(dir);
    await writeFile(
      path.join(dir, first!.name, "migration.sql"),
      first!.sql.replaceAll("\n", "\r\n"),
    );
    expect(await runMigrations({ databaseUrl: url, migrationsDir: dir })).toEqual({
      applied: [],
      unknown: [],
    });
  });

  it("rolls a failing migration back completely and records nothing", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await mkdir(path.join(dir, "29990101000000_broken"));
    await writeFile(
      path.join(dir, "29990101000000_broken", "migration.sql"),
      `CREATE TABLE "half" ("id" INT);\nSELECT * FROM "no_such_table";`,
    );
    await expect(runMigrations({ databaseUrl: url, migrationsDir: dir })).rejects.toBeInstanceOf(
      MigrationFailedError,
    );
    expect(
      await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`),
    ).toEqual([]);
    const names = await query<{ migration_name: string }>(
      url,
      `SELECT migration_name FROM "_prisma_migrations"`,
    );
    expect(names.map((n) => n.migration_name)).not.toContain("29990101000000_broken");
  });

  it("serialises concurrent runners on the advisory lock", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    // A slow migration keeps the first runner inside the lock long enough for the second to queue.
    await mkdir(path.join(dir, "29990101000000_slow"));
    await writeFile(
      path.join(dir, "29990101000000_slow", "migration.sql"),
      "SELECT pg_sleep(0.5);",
    );
    const reports = await Promise.all([
      runMigrations({ databaseUrl: url, migrationsDir: dir }),
      runMigrations({ databaseUrl: url, migrationsDir: dir }),
    ]);
    const all = (await readMigrationFiles(dir)).map((f) => f.name);
    const applied = reports.map((r) => r.applied).sort((a, b) => b.length - a.length);
    expect(applied).toEqual([all, []]);
    const rows = await query<{ n: string }>(url, `SELECT count(*) AS n FROM "_prisma_migrations"`);
    expect(Number(rows[0]!.n)).toBe(all.length);
  });
});
