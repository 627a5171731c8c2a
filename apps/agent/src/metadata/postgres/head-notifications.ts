import type pg from "pg";
import type {
  HeadChange,
  HeadChangeHandlers,
  HeadChangeSubscription,
  PartitionHead,
} from "../metadata-store.ts";
import type { Queryable } from "./rows.ts";

/** The NOTIFY channel head changes go out on. */
export const HEADS_CHANNEL = "streambed_heads";
// NOTIFY payloads must stay under 8000 bytes; split bigger changes into several notifications.
const MAX_PAYLOAD = 7000;

/** Payload: {"c": clusterId, "h": [[topicId, partition, "highWatermark", "logStartOffset"], ...]} */
type Payload = { c: string; h: [string, number, string, string][] };

export function encodeHeadChanges(clusterId: string, heads: readonly PartitionHead[]): string[] {
  const payloads: string[] = [];
  let batch: Payload["h"] = [];
  let size = 0;
  for (const head of heads) {
    const item: Payload["h"][number] = [
      head.topicId,
      head.partition,
      head.highWatermark.toString(),
      head.logStartOffset.toString(),
    ];
    const itemSize = JSON.stringify(item).length + 1;
    if (batch.length > 0 && size + itemSize > MAX_PAYLOAD) {
      payloads.push(JSON.stringify({ c: clusterId, h: batch } satisfies Payload));
      batch = [];
      size = 0;
    }
    batch.push(item);
    size += itemSize;
  }
  if (batch.length > 0) payloads.push(JSON.stringify({ c: clusterId, h: batch } satisfies Payload));
  return payloads;
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
  await tx.query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", [
    HEADS_CHANNEL,
    encodeHeadChanges(clusterId, heads),
  ]);
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
