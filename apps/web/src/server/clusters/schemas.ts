import { z } from "zod";

export const clusterName = z
  .string()
  .trim()
  .min(3, "At least 3 characters")
  .max(48, "At most 48 characters")
  .regex(
    /^[a-z0-9][a-z0-9-]*[a-z0-9]$/,
    "Lowercase letters, digits and dashes; starts and ends with a letter or digit",
  );

export const regions = [
  "local",
  "us-east-1",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
  "ap-southeast-1",
] as const;

export const createClusterInput = z.object({
  name: clusterName,
  region: z.enum(regions, { message: "Pick a region" }),
});

const dayMs = 86_400_000;

export const clusterSettingsInput = z.object({
  autoCreateTopics: z.boolean(),
  defaultPartitions: z.number().int().min(1, "At least 1").max(1024, "At most 1024"),
  /** -1 keeps data forever, as Kafka's retention.ms = -1. */
  defaultRetentionMs: z
    .number()
    .int()
    .refine(
      (v) => v === -1 || (v >= 60_000 && v <= 3650 * dayMs),
      "Between 1 minute and 10 years, or -1 for forever",
    ),
  requireSasl: z.boolean(),
  deletionProtection: z.boolean(),
});
