import { decodeTime } from "ulid";
import type { JobStore } from "../metadata/job-store.ts";
import { clusterOfObjectKey, type ObjectStore } from "../storage/object-store.ts";

/** Keys checked per metadata query and deleted per store call. */
const BATCH = 1000;

/**
 * Deletes objects the metadata store has never heard of: written by an agent that died between
 * the PUT and its commit (a failed commit records its object as orphaned; a crash cannot). Such
 * an object is deleted once older than `minAgeMs` (its ULID tells when it was written), far longer
 * than any flush takes from PUT to commit. Lists the whole prefix: run it rarely.
 */
export async function sweepOrphanObjects(
  jobs: Pick<JobStore, "unknownObjectKeys">,
  store: ObjectStore,
  options: { clusterId: string | null; minAgeMs: number; nowMs: number },
): Promise<{ deleted: number; deletedBytes: number }> {
  let deleted = 0;
  let deletedBytes = 0;
  let batch: { key: string; size: number }[] = [];
  const sweep = async () => {
    const unknown = new Set(await jobs.unknownObjectKeys(batch.map((o) => o.key)));
    const doomed = batch.filter((o) => unknown.has(o.key));
    if (doomed.length > 0) await store.delete(doomed.map((o) => o.key));
    deleted += doomed.length;
    deletedBytes += doomed.reduce((n, o) => n + o.size, 0);
    batch = [];
  };
  for await (const object of store.list(
    options.clusterId === null ? "" : `${options.clusterId}/`,
  )) {
    if (clusterOfObjectKey(object.key) === undefined) continue;
    const writtenAt = decodeTime(object.key.slice(object.key.lastIndexOf("/") + 1));
    if (writtenAt > options.nowMs - options.minAgeMs) continue;
    batch.push(object);
    if (batch.length >= BATCH) await sweep();
  }
  if (batch.length > 0) await sweep();
  return { deleted, deletedBytes };
}
