import type { Timers } from "./group-types.ts";

/**
 * When a rebalance stops waiting for members to (re)join, as in Kafka: DelayedJoin ends at the
 * rebalance timeout, or earlier once every member is back; InitialDelayedJoin (a rebalance of an
 * empty group) waits group.initial.rebalance.delay.ms, again while new members keep arriving, up
 * to the rebalance timeout, and never ends early.
 */
export class JoinDeadline {
  private timer: unknown = null;
  private initialDelay = false;
  private remainingMs = 0;
  private memberArrived = false;

  constructor(
    private readonly timers: Timers,
    private readonly initialDelayMs: number,
    private readonly onExpire: () => void,
  ) {}

  /** Starts the wait of a new rebalance. */
  start(fromEmptyGroup: boolean, rebalanceTimeoutMs: number): void {
    this.cancel();
    if (!fromEmptyGroup) {
      this.timer = this.timers.set(() => this.expire(), rebalanceTimeoutMs);
      return;
    }
    this.initialDelay = true;
    this.memberArrived = false;
    this.remainingMs = Math.max(0, rebalanceTimeoutMs - this.initialDelayMs);
    this.timer = this.timers.set(
      () => this.initialDelayPassed(),
      Math.min(this.initialDelayMs, rebalanceTimeoutMs),
    );
  }

  /** A new member joined while the rebalance waits. */
  memberJoined(): void {
    this.memberArrived = true;
  }

  /** Whether the rebalance may complete as soon as every member has rejoined. */
  get mayCompleteEarly(): boolean {
    return !this.initialDelay;
  }

  cancel(): void {
    this.timers.clear(this.timer);
    this.timer = null;
    this.initialDelay = false;
  }

  private initialDelayPassed(): void {
    if (this.memberArrived && this.remainingMs > 0) {
      const delay = Math.min(this.initialDelayMs, this.remainingMs);
      this.remainingMs -= delay;
      this.memberArrived = false;
      this.timer = this.timers.set(() => this.initialDelayPassed(), delay);
      return;
    }
    this.expire();
  }

  private expire(): void {
    this.timer = null;
    this.initialDelay = false;
    this.onExpire();
  }
}
