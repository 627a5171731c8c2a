import type { TestDatabase } from "@streambed/db/testing";

/** The objects of a cluster by level and state, counting only those index rows point into. */
export async function objectLevels(
  db: TestDatabase,
  clusterId: string,
): Promise<{ referenced: Record<number, number>; unreferenced: string[] }> {
  const { rows } = await db.pool.query<{ key: string; level: number; referenced: boolean }>(
    `SELECT o.key, o.level, EXISTS (SELECT 1 FROM partition_index i WHERE i.object_key = o.key) AS referenced
     FROM objects o WHERE o.cluster_id = $1`,
    [clusterId],
  );
  const referenced: Record<number, number> = {};
  for (const r of rows.filter((r) => r.referenced))
    referenced[r.level] = (referenced[r.level] ?? 0) + 1;
  return { referenced, unreferenced: rows.filter((r) => !r.referenced).map((r) => r.key) };
}

/** Polls `read` until `done` holds or the timeout passes; returns the last value. */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}
