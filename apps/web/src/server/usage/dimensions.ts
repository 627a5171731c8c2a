import { z } from "zod";
import { usageDimensions, type UsageDimension } from "@streambed/db/usage-metering";

/**
 * How the console and the REST API present the metered dimensions (their names are defined once,
 * in @streambed/db/usage-metering). Imports nothing server-only: the charts and tables use it too.
 */
export { usageDimensions, type UsageDimension };
export const usageDimensionSchema = z.enum(usageDimensions);

export type UsageUnit = "bytes" | "byte_hours" | "minutes" | "count";

export const usageDimensionInfo: Record<
  UsageDimension,
  { label: string; unit: UsageUnit; description: string }
> = {
  write_bytes: {
    label: "Data written",
    unit: "bytes",
    description: "Uncompressed bytes producers sent",
  },
  read_bytes: { label: "Data read", unit: "bytes", description: "Bytes consumers fetched" },
  storage_byte_hours: {
    label: "Storage",
    unit: "byte_hours",
    description: "Bytes stored, integrated over time",
  },
  cluster_minutes: {
    label: "Cluster time",
    unit: "minutes",
    description: "Minutes the cluster was running, in 15-minute increments",
  },
  requests: { label: "Requests", unit: "count", description: "Kafka requests served" },
};
