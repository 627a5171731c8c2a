import type pg from "pg";

/** A LISTEN in place (see listenOnChannel). */
export interface NotificationSubscription {
  /** Resolves once the first LISTEN is in place; rejects if that first attempt fails (it keeps retrying). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface ChannelListenerOptions {
  /** Delay before re-listening after the connection broke. Default 500 ms. */
  retryMs?: number;
  onError?: (error: unknown) => void;
}

export interface ChannelHandlers {
  onPayload(payload: string): void;
  /** The listener reconnected after a break; notifications sent while it was down were lost. */
  onResync(): void;
}

/**
 * LISTENs on `channel` on a connection taken out of the pool for good (returned, destroyed, on
 * close). When the connection breaks it re-listens and tells the subscriber to resync.
 */
export function listenOnChannel(
  pool: pg.Pool,
  channel: string,
  handlers: ChannelHandlers,
  options: ChannelListenerOptions = {},
): NotificationSubscription {
  const retryMs = options.retryMs ?? 500;
  let closed = false;
  let client: pg.PoolClient | undefined;
  let retry: NodeJS.Timeout | undefined;

  const onNotification = (message: pg.Notification): void => {
    if (message.channel !== channel || !message.payload) return;
    try {
      handlers.onPayload(message.payload);
    } catch (error) {
      options.onError?.(error);
    }
  };

  const connect = async (): Promise<void> => {
    const c = await pool.connect();
    c.on("notification", onNotification);
    c.once("error", (error) => {
      options.onError?.(error);
      broken(c);
    });
    try {
      await c.query(`LISTEN ${channel}`);
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
