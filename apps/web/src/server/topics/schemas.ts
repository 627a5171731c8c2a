import { z } from "zod";

/** Kafka's rule for topic names (kafka.common.internals.Topic). */
export const topicName = z
  .string()
  .trim()
  .min(1, "Give the topic a name")
  .max(249, "At most 249 characters")
  .regex(/^[a-zA-Z0-9._-]+$/, "Letters, digits, '.', '_' and '-' only")
  .refine((n) => n !== "." && n !== "..", "'.' and '..' are not topic names");

export const cleanupPolicies = ["delete", "compact"] as const;

export const createTopicInput = z.object({
  name: topicName,
  partitions: z
    .number()
    .int()
    .min(1, "At least 1 partition")
    .max(1024, "At most 1024 partitions")
    .optional(),
  retentionMs: z
    .number()
    .int()
    .refine((v) => v === -1 || v >= 60_000, "At least 1 minute, or -1 for forever")
    .optional(),
  cleanupPolicy: z.enum(cleanupPolicies).default("delete"),
});
