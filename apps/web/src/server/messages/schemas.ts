import { z } from "zod";
import { topicName } from "../topics/schemas.ts";

export const messageStart = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("earliest") }),
  z.object({ kind: z.literal("latest") }),
  z.object({ kind: z.literal("offset"), offset: z.string().regex(/^\d{1,19}$/, "An offset") }),
  z.object({ kind: z.literal("timestamp"), timestamp: z.number().int().min(0) }),
]);
export type MessageStart = z.infer<typeof messageStart>;

export const messageFilter = z.object({
  target: z.enum(["key", "value", "headers"]),
  /** contains: a case-insensitive substring; jsonPath: `$.a.b[0]` exists (and equals `equals`). */
  mode: z.enum(["contains", "jsonPath"]),
  query: z.string().min(1, "What to look for").max(500),
  equals: z.string().max(500).optional(),
});
export type MessageFilter = z.infer<typeof messageFilter>;

export const browseMessagesInput = z.object({
  topic: topicName,
  /** null: every partition. */
  partition: z.number().int().min(0).nullable(),
  start: messageStart,
  order: z.enum(["newest", "oldest"]),
  limit: z.number().int().min(1).max(500).default(100),
  filter: messageFilter.nullable().default(null),
});
export type BrowseMessagesInput = z.infer<typeof browseMessagesInput>;

const utf8 = z.string().max(1024 * 1024, "At most 1 MiB");

export const produceMessageInput = z.object({
  topic: topicName,
  /** null: chosen like Kafka's default partitioner (murmur2 of the key, or any partition). */
  partition: z.number().int().min(0).nullable(),
  key: utf8.nullable(),
  value: utf8.nullable(),
  headers: z
    .array(z.object({ key: z.string().min(1).max(256), value: z.string().max(64 * 1024) }))
    .max(64)
    .default([]),
});
export type ProduceMessageInput = z.infer<typeof produceMessageInput>;
