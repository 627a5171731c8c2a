import type { JobStore } from "../metadata/job-store.ts";
import type { ObjectStore } from "../storage/object-store.ts";

export interface CollectedObjects {
  /** Objects found unreferenced in this pass and scheduled for deletion after the grace period. */
  scheduled: number;
  deleted: number;
  deletedBytes: number;
}

/** Objects handled per statement and store call (S3 DeleteObjects takes up to 1000 keys). */
const BATCH = 1000;

/**
 * Deletes objects no index row references any more. Only objects that may have become garbage are
 * looked at: 'released' ones (retention, DeleteRecords or a topic deletion dropped index rows
 * pointing into them) and 'orphaned' ones (a failed commit). Two steps, so that nothing still in
 * use disappears:
 *   1. such an object older than the grace period and referenced by no index row is marked
 *      'deleting', due after the grace period (fetches that looked up its rows before they went
 *      have that long to read); one still holding rows of other partitions is checked again later
 *      (or as soon as more of its rows are dropped);
 *   2. objects due are deleted from the store, then their rows.
 * Index rows only ever point at new objects, so an unreferenced object stays unreferenced.
 */
export async function collectObjects(
  jobs: Pick<
    JobStore,
    "scheduleUnreferencedObjects" | "objectsDueForDeletion" | "forgetDeletedObjects"
  >,
  store: ObjectStore,
  options: { clusterId: string | null; graceMs: number },
): Promise<CollectedObjects> {
  let scheduled = 0;
  for (;;) {
    const pass = await jobs.scheduleUnreferencedObjects(options.clusterId, options.graceMs, BATCH);
    scheduled += pass.scheduled;
    if (pass.candidates < BATCH) break;
  }
  let deleted = 0;
  let deletedBytes = 0;
  for (;;) {
    const due = await jobs.objectsDueForDeletion(options.clusterId, BATCH);
    if (due.length === 0) break;
    const keys = due.map((o) => o.key);
    await store.delete(keys);
    await jobs.forgetDeletedObjects(keys);
    deleted += due.length;
    deletedBytes += due.reduce((sum, o) => sum + o.sizeBytes, 0);
    if (due.length < BATCH) break;
  }
  return { scheduled, deleted, deletedBytes };
}
