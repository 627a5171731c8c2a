import type pg from "pg";
import type {
  HeadChange,
  HeadChangeHandlers,
  HeadChangeSubscription,
  PartitionHead,
} from "../metadata-store.ts";
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

export interface HeadListenerOptions {
  /** Delay before re-listening after the connection broke. Default 500 ms. */
  retryMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * LISTENs on a connection taken out of the pool for good (returned, destroyed, on close).
 * When the connection breaks it re-listens and tells the subscriber to resync.
 */
export function listenForHeadChanges(
  pool: pg.Pool,
  handlers: HeadChangeHandlers,
  options: HeadListenerOptions = {},
): HeadChangeSubscription {
  const retryMs = options.retryMs ?? 500;
  let closed = false;
  let client: pg.PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (message: pg.Notification): void => {
    if (message.channel !== HEADS_CHANNEL || !message.payload) return;
    let changes: HeadChange[];
    try {
      changes = decodeHeadChanges(message.payload);
    } catch (error) {
      options.onError?.(error);
      return;
    }
    for (const change of changes) handlers.onChange(change);
  };

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on("notification", onNotification);
    c.once("error", (error) => {
      options.onError?.(error);
      broken(c);
    });
    try {
      await c.query(`LISTEN ${HEADS_CHANNEL}`);
    } catch (error) {
      broken(c);
      throw error;
    }
    if (closed) {
      c.on("error", () => undefined);
      c.release(true);
      return;
    }
    client = c;
  };

  const released = new WeakSet<pg.PoolClient>();
  const broken = (c: pg.PoolClient): void => {
    if (released.has(c)) return;
    released.add(c);
    c.removeListener("notification", onNotification);
    c.on("error", () => undefined);
    if (client === c) client = undefined;
    c.release(true);
    if (!closed && retry === undefined) scheduleRetry();
  };

  const scheduleRetry = (): void => {
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        () => {
          if (!closed) handlers.onResync();
        },
        (error: unknown) => {
          options.onError?.(error);
          if (!closed && retry === undefined) scheduleRetry();
        },
      );
    }, retryMs);
    retry.unref();
  };

  const ready = connect();
  ready.catch((error: unknown) => {
    options.onError?.(error);
    if (!closed && retry === undefined) scheduleRetry();
  });

  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(retry);
      await ready.catch(() => undefined);
      const c = client;
      client = undefined;
      if (c) {
        c.removeListener("notification", onNotification);
        // The connection is being torn down: errors it still reports are of no interest.
        c.on("error", () => undefined);
        c.release(true);
      }
    },
  };
}
