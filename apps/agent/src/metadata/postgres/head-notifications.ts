import type pg from "pg";
import type {
  HeadChange,
  HeadChangeHandlers,
  HeadChangeSubscription,
  PartitionHead,
} from "../metadata-store.ts";
import { type ChannelListenerOptions, listenOnChannel } from "./channel-listener.ts";
import { named } from "./named-params.ts";
import type { Queryable } from "./rows.ts";

/** The NOTIFY channel head changes go out on. */
export const HEADS_CHANNEL = "streambed_heads";

/** Heads per payload: at most ~100 bytes each, so a payload stays under Postgres' 8000 bytes. */
const HEADS_PER_PAYLOAD = 70;

/** Payload: {"c": clusterId, "h": [[topicId, partition, "highWatermark", "logStartOffset"], ...]} */
type Payload = { c: string; h: [string, number, string, string][] };

/**
 * The one way head changes are announced: a SELECT that queues a NOTIFY for every
 * HEADS_PER_PAYLOAD rows of `relation` (columns topic_id, partition, next_offset,
 * log_start_offset), for the cluster in parameter `:clusterId`. In a transaction the
 * notifications go out only if it commits. Used as a CTE, it runs only if the statement reads it.
 */
export function notifyHeadsQuery(relation: string): string {
  return `SELECT pg_notify('${HEADS_CHANNEL}', json_build_object('c', :clusterId::text, 'h',
       json_agg(json_build_array(h.topic_id, h.partition, h.next_offset::text, h.log_start_offset::text)))::text)
     FROM (SELECT h.*, row_number() OVER () - 1 AS n FROM ${relation} h) h
     GROUP BY h.n / ${HEADS_PER_PAYLOAD}`;
}

export function decodeHeadChanges(payload: string): HeadChange[] {
  const parsed = JSON.parse(payload) as Payload;
  return parsed.h.map(([topicId, partition, hwm, logStart]) => ({
    clusterId: parsed.c,
    topicId,
    partition,
    highWatermark: BigInt(hwm),
    logStartOffset: BigInt(logStart),
  }));
}

/** Queues the notifications in the caller's transaction: they go out only if it commits. */
export async function notifyHeadChanges(
  tx: Queryable,
  clusterId: string,
  heads: readonly PartitionHead[],
): Promise<void> {
  if (heads.length === 0) return;
  const { text, values } = named(
    `WITH heads AS (
       SELECT * FROM unnest(:topicIds::uuid[], :partitions::int[], :nextOffsets::int8[], :logStartOffsets::int8[])
         AS h(topic_id, partition, next_offset, log_start_offset)
     ) ${notifyHeadsQuery("heads")}`,
    {
      clusterId,
      topicIds: heads.map((h) => h.topicId),
      partitions: heads.map((h) => h.partition),
      nextOffsets: heads.map((h) => h.highWatermark.toString()),
      logStartOffsets: heads.map((h) => h.logStartOffset.toString()),
    },
  );
  await tx.query(text, values);
}

export type HeadListenerOptions = ChannelListenerOptions;

/** Head changes of every agent, from the notifications notifyHeadsQuery queues. */
export function listenForHeadChanges(
  pool: pg.Pool,
  handlers: HeadChangeHandlers,
  options: HeadListenerOptions = {},
): HeadChangeSubscription {
  return listenOnChannel(
    pool,
    HEADS_CHANNEL,
    {
      onPayload: (payload) => {
        for (const change of decodeHeadChanges(payload)) handlers.onChange(change);
      },
      onResync: () => handlers.onResync(),
    },
    options,
  );
}
