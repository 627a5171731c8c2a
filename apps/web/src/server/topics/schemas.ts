import {
  MAX_TOPIC_NAME_LENGTH,
  type TopicNameProblem,
  topicNameProblem,
} from "@streambed/protocol/topic-name";
import { z } from "zod";

const topicNameMessages: Record<TopicNameProblem, string> = {
  empty: "Give the topic a name",
  "too-long": `At most ${MAX_TOPIC_NAME_LENGTH} characters`,
  characters: "Letters, digits, '.', '_' and '-' only",
  dots: "'.' and '..' are not topic names",
};

/** Kafka's rule for topic names, shared with the agent. */
export const topicName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = topicNameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: topicNameMessages[problem] });
  });

export const cleanupPolicies = ["delete", "compact"] as const;

/** The most partitions the console lets a topic have. */
export const maxPartitions = 1024;

export const partitionCount = z
  .number()
  .int()
  .min(1, "At least 1 partition")
  .max(maxPartitions, `At most ${maxPartitions} partitions`);

export const createTopicInput = z.object({
  name: topicName,
  partitions: partitionCount.optional(),
  retentionMs: z
    .number()
    .int()
    .refine((v) => v === -1 || v >= 60_000, "At least 1 minute, or -1 for forever")
    .optional(),
  cleanupPolicy: z.enum(cleanupPolicies).default("delete"),
});

/** Config changes: a value, or null to go back to the default. */
export const topicConfigChanges = z
  .record(z.string().min(1).max(255), z.string().max(1024).nullable())
  .refine((changes) => Object.keys(changes).length > 0, "Change at least one config");
