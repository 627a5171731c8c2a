import type { JobDefinition } from "../jobs/job-definition.ts";
import { markClusterMinutes, reportClusterMinutes } from "./cluster-minutes.ts";
import { pruneClusterMetrics } from "../cluster-metrics/ingest-cluster-metrics.ts";
import { reconcileWriteBytes } from "./reconciliation.ts";
import { reportStorageByteHours, sampleStorage } from "./storage-sampling.ts";

const DAY_MS = 24 * 3_600_000;

/**
 * The metering jobs of the control plane (agents report the other dimensions themselves), and the
 * pruning of the operational figures agents report beside usage.
 */
export const usageJobs: JobDefinition[] = [
  {
    name: "usage.storage-sampling",
    description: "sample each cluster's stored bytes; report storage_byte_hours of closed hours",
    cron: "* * * * *",
    async run({ prisma, now }) {
      await sampleStorage(prisma, now);
      await reportStorageByteHours(prisma, now);
    },
  },
  {
    name: "usage.cluster-minutes",
    description:
      "record minutes with a live agent; report cluster_minutes of closed 15-minute blocks",
    cron: "* * * * *",
    async run({ prisma, now }) {
      await markClusterMinutes(prisma, now);
      await reportClusterMinutes(prisma, now);
    },
  },
  {
    name: "metrics.prune",
    description: "delete agents' cluster metric windows older than the console's longest range",
    cron: "15 * * * *",
    async run({ prisma, now, log }) {
      const deleted = await pruneClusterMetrics(prisma, now);
      if (deleted > 0) log.info({ deleted }, "cluster metric windows pruned");
    },
  },
  {
    name: "usage.write-bytes-reconciliation",
    description: "compare yesterday's write_bytes with the bytes the data plane committed",
    cron: "30 0 * * *",
    async run({ prisma, now, log, metrics }) {
      await reconcileWriteBytes(
        prisma,
        new Date(now.getTime() - DAY_MS),
        log,
        metrics.reconciliation,
      );
    },
  },
];
