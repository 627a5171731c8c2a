import type { Prisma } from "@streambed/db";
import { z } from "zod";

/** Where a group's offsets go, as kafka-consumer-groups --reset-offsets names it. */
export const resetTarget = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("earliest") }),
  z.object({ kind: z.literal("latest") }),
  z.object({
    kind: z.literal("timestamp"),
    timestamp: z.number().int().min(0).meta({ description: "Milliseconds since the epoch" }),
  }),
  z.object({
    kind: z.literal("offset"),
    offset: z
      .union([z.number().int(), z.string().regex(/^\d+$/)])
      .transform((v) => BigInt(v))
      .meta({ description: "Clamped into [log start offset, high watermark]" }),
  }),
]);
export type ResetTarget = z.infer<typeof resetTarget>;

export interface PartitionBounds {
  partition: number;
  logStartOffset: bigint;
  highWatermark: bigint;
}

/**
 * The offset each partition moves to. A timestamp resolves, as the agents' ListOffsets starts to,
 * to the first index row whose newest record is at or after it: the row's first offset, so a
 * consumer may read a few older records of that row again but never skips a newer one. No such
 * row means the end of the partition (Kafka's tool does the same).
 */
export async function resolveResetOffsets(
  tx: Prisma.TransactionClient,
  topicId: string,
  partitions: PartitionBounds[],
  target: ResetTarget,
): Promise<Map<number, bigint>> {
  const offsets = new Map<number, bigint>();
  const clamp = (p: PartitionBounds, offset: bigint) =>
    offset < p.logStartOffset
      ? p.logStartOffset
      : offset > p.highWatermark
        ? p.highWatermark
        : offset;
  if (target.kind !== "timestamp") {
    for (const p of partitions) {
      const offset =
        target.kind === "earliest"
          ? p.logStartOffset
          : target.kind === "latest"
            ? p.highWatermark
            : clamp(p, target.offset);
      offsets.set(p.partition, offset);
    }
    return offsets;
  }
  const rows = await tx.$queryRaw<{ partition: number; base_offset: bigint }[]>`
    SELECT DISTINCT ON (i.partition) i.partition, i.base_offset
      FROM partition_index i
      JOIN partitions p ON p.topic_id = i.topic_id AND p.partition = i.partition
     WHERE i.topic_id = ${topicId}::uuid AND i.partition = ANY(${partitions.map((p) => p.partition)}::int[])
       AND i.max_timestamp >= ${BigInt(target.timestamp)} AND i.last_offset >= p.log_start_offset
     ORDER BY i.partition, i.base_offset`;
  for (const p of partitions) {
    const row = rows.find((r) => r.partition === p.partition);
    offsets.set(p.partition, row ? clamp(p, BigInt(row.base_offset)) : p.highWatermark);
  }
  return offsets;
}
