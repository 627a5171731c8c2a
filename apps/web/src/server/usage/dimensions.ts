import { z } from "zod";

/**
 * The metered dimensions, by their API names (the contract agents and the REST API share).
 * Imports nothing server-only: the console's charts and tables use it too.
 */
export const usageDimensions = [
  "write_bytes",
  "read_bytes",
  "storage_byte_hours",
  "cluster_minutes",
  "requests",
] as const;
export type UsageDimension = (typeof usageDimensions)[number];
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
