import type { Logger } from "pino";
import type { UsageEvent } from "./usage-event.ts";
import type { UsageRecorder } from "./usage-recorder.ts";
import { UsageSender, type UsageSenderMetrics } from "./usage-sender.ts";
import { UsageSpool } from "./usage-spool.ts";
import { UsageWindows, type WindowClock } from "./usage-windows.ts";
import type { WriteBytesCounter } from "./uncompressed-size.ts";

export interface UsageReportingOptions {
  recorder: UsageRecorder;
  writeBytes: WriteBytesCounter;
  agentId: string;
  controlPlaneUrl: string;
  spoolDir: string;
  windowMs: number;
  token: () => Promise<string>;
  logger: Logger;
  metrics?: UsageSenderMetrics;
  clock?: WindowClock;
  retry?: { initialMs: number; maxMs: number };
}

export interface UsageReporting {
  /** Closes the open window, spools it and makes one bounded attempt to send what is spooled. */
  stop(): Promise<void>;
  /** Resolves once everything closed so far has been acknowledged (tests, benchmarks). */
  sent(): Promise<void>;
}

/** How long a stopping agent tries to deliver its last windows before leaving them spooled. */
const FINAL_SEND_TIMEOUT_MS = 3000;

/**
 * The agent's usage pipeline beside the data path: windows close on the clock, are spooled
 * (fsync) and handed to the sender. Spooled events of a previous run are resent first.
 */
export async function startUsageReporting(options: UsageReportingOptions): Promise<UsageReporting> {
  const { logger } = options;
  const spool = await UsageSpool.open(options.spoolDir);
  const sender = new UsageSender({
    spool,
    controlPlaneUrl: options.controlPlaneUrl,
    token: options.token,
    logger,
    metrics: options.metrics,
    retry: options.retry,
  });
  let appending: Promise<void> = Promise.resolve();
  const onClose = (events: UsageEvent[], windowStart: number) => {
    appending = appending
      .then(() => spool.append(events, windowStart))
      .then(
        () => sender.notify(),
        (err: unknown) => logger.error({ err }, "usage window could not be spooled"),
      );
  };
  const windows = new UsageWindows({
    recorder: options.recorder,
    agentId: options.agentId,
    windowMs: options.windowMs,
    lastWindowStart: spool.lastWindowStart,
    clock: options.clock,
    onClose,
  });
  if (spool.size > 0) logger.info({ events: spool.size }, "resending spooled usage events");
  sender.notify();
  windows.start();
  logger.info(
    {
      controlPlaneUrl: options.controlPlaneUrl,
      windowMs: options.windowMs,
      spoolDir: options.spoolDir,
    },
    "usage metering on",
  );
  return {
    async stop() {
      await options.writeBytes.idle();
      windows.stop();
      await appending;
      await sender.stop(FINAL_SEND_TIMEOUT_MS);
    },
    async sent() {
      await options.writeBytes.idle();
      await appending;
      await sender.idle();
    },
  };
}
