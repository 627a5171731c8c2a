import type { JobStore, RetentionPass, RetentionPolicy } from "../metadata/job-store.ts";
import { DEFAULT_CLUSTER_SETTINGS } from "../server/cluster-settings.ts";

const INT64_MIN = -(2n ** 63n);

/**
 * Topics whose records may be deleted by age or size: cleanup.policy includes "delete" (compacted
 * topics keep everything until compaction exists) and retention.ms or retention.bytes is set.
 */
export async function retentionPolicies(
  jobs: Pick<JobStore, "retentionConfigs">,
  clusterId: string | null,
): Promise<RetentionPolicy[]> {
  const configs = await jobs.retentionConfigs(
    clusterId,
    DEFAULT_CLUSTER_SETTINGS.defaultRetentionMs,
  );
  return configs
    .map((c) => ({
      topicId: c.topicId,
      clusterId: c.clusterId,
      retentionMs: c.retentionMs,
      retentionBytes: c.retentionBytes,
      logAppendTime: c.timestampType === "LogAppendTime",
      deletes: c.cleanupPolicy.split(",").some((p) => p.trim() === "delete"),
    }))
    .filter((p) => p.deletes && (p.retentionMs >= 0n || p.retentionBytes >= 0n))
    .map(({ deletes: _, ...policy }) => policy);
}

/**
 * Applies one topic's retention the way Kafka deletes whole old segments: in each partition, the
 * oldest index rows go while every row up to them is older than retention.ms, and while the rows
 * after them alone hold at least retention.bytes. The log start moves past them, their rows are
 * deleted (their objects released), and every agent hears of the new heads.
 */
export function applyRetention(
  jobs: Pick<JobStore, "applyRetention">,
  policy: RetentionPolicy,
  nowMs: bigint,
): Promise<RetentionPass> {
  const cutoff = policy.retentionMs >= 0n ? nowMs - policy.retentionMs : INT64_MIN;
  return jobs.applyRetention(policy, cutoff);
}
