import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createTestDatabase } from "../src/testing.ts";

async function databaseExists(adminUrl: string, url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    return (
      (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1
    );
  } finally {
    await client.end();
  }
}

describe("createTestDatabase", () => {
  it("gives each caller its own migrated database and drops it", async () => {
    const adminUrl = inject("postgresAdminUrl");
    const [a, b] = await Promise.all([createTestDatabase(adminUrl), createTestDatabase()]);
    expect(a.url).not.toBe(b.url);
    await a.prisma.topic.create({ data: { clusterId: "c", name: "only-in-a", partitionCount: 1 } });
    expect(await a.prisma.topic.count()).toBe(1);
    expect(await b.prisma.topic.count()).toBe(0);
    const { rows } = await b.pool.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0].n).toBeGreaterThan(0);

    await Promise.all([a.drop(), b.drop()]);
    expect(await databaseExists(adminUrl, a.url)).toBe(false);
    expect(await databaseExists(adminUrl, b.url)).toBe(false);
  });
});
