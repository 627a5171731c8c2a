import { USAGE_INGEST_PATH } from "@streambed/db";
import type { Logger } from "pino";
import type { UsageSpool } from "./usage-spool.ts";

/** The ingest endpoint takes at most this many events per request. */
const MAX_EVENTS_PER_REQUEST = 1000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface UsageSenderMetrics {
  /** Events acknowledged by the control plane (stored or already stored). */
  sent: { inc(value?: number): void };
  /** Events the control plane refused for good (malformed, foreign cluster, conflicting). */
  refused: { inc(value?: number): void };
  /** Failed attempts that will be retried. */
  failures: { inc(value?: number): void };
}

export interface UsageSenderOptions {
  spool: UsageSpool;
  /** Base URL of the control plane, e.g. http://127.0.0.1:3000. */
  controlPlaneUrl: string;
  /** The bearer token: the agent key, or the deployment's ingest token for shared agents. */
  token: () => Promise<string>;
  logger: Pick<Logger, "warn" | "error" | "debug">;
  metrics?: UsageSenderMetrics;
  retry?: { initialMs: number; maxMs: number };
  fetch?: typeof globalThis.fetch;
}

/** Per-event problems the endpoint lists with a refusal (400, 403) or the conflicting keys (409). */
interface Refusal {
  events?: { index: number }[];
  idempotencyKeys?: string[];
}

/**
 * Sends spooled events to the control plane in batches, oldest first, until the spool is empty;
 * failures are retried with exponential backoff (capped, jittered). Runs beside the data path:
 * nothing in Produce or Fetch ever waits for it.
 */
export class UsageSender {
  private readonly retry: { initialMs: number; maxMs: number };
  private readonly fetch: typeof globalThis.fetch;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: UsageSenderOptions) {
    this.retry = options.retry ?? { initialMs: 1000, maxMs: 60_000 };
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** New events are in the spool: send them (now, or when the current attempt is done). */
  notify(): void {
    if (this.stopped) return;
    this.running ??= this.sendAll().finally(() => (this.running = undefined));
  }

  /** Resolves when the spool is empty (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One last attempt to send what is spooled, bounded by `timeoutMs`; the rest stays spooled. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    if (this.options.spool.size === 0) return;
    await Promise.race([
      this.sendBatch().catch(() => false),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  private async sendAll(): Promise<void> {
    let delay = this.retry.initialMs;
    while (this.options.spool.size > 0 && !this.stopped) {
      let ok: boolean;
      try {
        ok = await this.sendBatch();
      } catch (err) {
        this.options.logger.warn({ err }, "usage events not sent; will retry");
        ok = false;
      }
      if (ok) {
        delay = this.retry.initialMs;
        continue;
      }
      this.options.metrics?.failures.inc();
      await this.sleep(delay * (0.5 + Math.random() / 2));
      delay = Math.min(delay * 2, this.retry.maxMs);
    }
  }

  /** Sends the oldest batch; true when the spool moved on (acknowledged or refused for good). */
  private async sendBatch(): Promise<boolean> {
    const { spool, metrics, logger } = this.options;
    const batch = spool.pending().slice(0, MAX_EVENTS_PER_REQUEST);
    if (batch.length === 0) return true;
    const response = await this.fetch(new URL(USAGE_INGEST_PATH, this.options.controlPlaneUrl), {
      method: "POST",
      headers: {
        authorization: `Bearer ${await this.options.token()}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ events: batch }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as Refusal;
    if (response.ok) {
      await spool.acknowledge(batch.map((e) => e.idempotencyKey));
      metrics?.sent.inc(batch.length);
      return true;
    }
    if (![400, 403, 409].includes(response.status)) {
      logger.warn({ status: response.status, body }, "usage ingest failed; will retry");
      return false;
    }
    // Refused for good: drop the events named (the rest go again at once), or the whole batch.
    const named = [
      ...(body.events ?? []).map((e) => batch[e.index]?.idempotencyKey),
      ...(body.idempotencyKeys ?? []),
    ].filter((key): key is string => key !== undefined);
    const dropped = named.length > 0 ? named : batch.map((e) => e.idempotencyKey);
    logger.error(
      { status: response.status, body, dropped: dropped.length },
      "usage events refused by the control plane: dropped",
    );
    metrics?.refused.inc(dropped.length);
    await spool.acknowledge(dropped);
    return true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = undefined));
  }
}
