import type { Logger } from "pino";
import type { TransactionCoordinator } from "./transaction-coordinator.ts";

export interface TransactionTimeoutsOptions {
  coordinator: TransactionCoordinator;
  /** A dedicated agent's cluster; null = every cluster (shared agents). */
  clusterId: string | null;
  intervalMs: number;
  /** A transaction in PrepareCommit/PrepareAbort this long lost its agent mid-completion. */
  stuckMs: number;
  logger: Pick<Logger, "warn">;
}

/**
 * On agents with the jobs role: every interval, aborts transactions that outlived their
 * transaction.timeout.ms and finishes those an agent left half-completed. Claims are row locks
 * skipped by other agents, so several jobs agents share the work without a lock of their own.
 */
export class TransactionTimeouts {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: TransactionTimeoutsOptions) {}

  start(): void {
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const { coordinator, clusterId, stuckMs, logger } = this.options;
      this.running = coordinator
        .finishExpired(clusterId, stuckMs)
        .then(
          () => undefined,
          (err: unknown) => logger.warn({ err }, "transaction timeouts failed"),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.intervalMs);
    this.timer.unref();
  }
}
