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
