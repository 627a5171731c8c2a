import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";

const run = promisify(execFile);
const cli = fileURLToPath(new URL("../src/cli/migrate.ts", import.meta.url));
const adminUrl = inject("postgresAdminUrl");
const database = `cli_${process.pid}_${Date.now().toString(36)}`;
let dataRoot: string | undefined;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

function migrate(env: Record<string, string>) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return run(process.execPath, ["--import", "tsx", cli], { env: { ...inherited, ...env } });
}

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

describe("db:migrate CLI", () => {
  it("migrates DATABASE_URL, then reports it up to date", async () => {
    await admin(`CREATE DATABASE "${database}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    expect((await migrate({ DATABASE_URL: url.toString() })).stdout).toMatch(
      /Applied migration \d+_init/,
    );
    expect((await migrate({ DATABASE_URL: url.toString() })).stdout).toContain("is up to date");
  });

  it("without DATABASE_URL migrates the embedded Postgres in STREAMBED_DATA_DIR and stops it", async () => {
    dataRoot = await mkdtemp(path.join(tmpdir(), "streambed-cli-test-"));
    await chmod(dataRoot, 0o755);
    const { stdout } = await migrate({ STREAMBED_DATA_DIR: path.join(dataRoot, "data") });
    expect(stdout).toMatch(/Applied migration \d+_init/);
    expect((await migrate({ STREAMBED_DATA_DIR: path.join(dataRoot, "data") })).stdout).toContain(
      "is up to date",
    );
  });
});
