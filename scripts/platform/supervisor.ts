import { stopChild, type Child } from "./children.ts";
import { waitForHttp } from "./wait.ts";

export interface RestartPolicy {
  /** First delay before a restart; doubles per restart up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A child that served this long before dying starts over at initialDelayMs. */
  healthyAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
};

/**
 * A child the launcher restarts when it dies (an agent: the others keep serving meanwhile, as
 * the design promises), with exponential backoff, saying so on the launcher's output.
 */
export class SupervisedChild {
  readonly name: string;
  child: Child;
  private readonly spawn: () => Child;
  private readonly healthUrl: string;
  private readonly policy: RestartPolicy;
  private readonly say: (line: string) => void;
  private delayMs: number;
  private startedAt = Date.now();
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: {
    name: string;
    spawn: () => Child;
    healthUrl: string;
    say: (line: string) => void;
    policy?: RestartPolicy;
  }) {
    this.name = options.name;
    this.spawn = options.spawn;
    this.healthUrl = options.healthUrl;
    this.say = options.say;
    this.policy = options.policy ?? defaultRestartPolicy;
    this.delayMs = this.policy.initialDelayMs;
    this.child = this.spawn();
  }

  /** Waits until the first start serves; fails if it dies first (a start-up error is not retried). */
  ready(): Promise<void> {
    return waitForHttp(this.healthUrl, this.child);
  }

  /** From now on, a death is followed by a restart. */
  supervise(): void {
    void this.child.exited.then((code) => this.onExit(this.child, code));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await stopChild(this.child);
  }

  private onExit(child: Child, code: number | null): void {
    if (this.stopped) return;
    if (Date.now() - this.startedAt >= this.policy.healthyAfterMs)
      this.delayMs = this.policy.initialDelayMs;
    const how = child.process.signalCode ? `killed by ${child.process.signalCode}` : `code ${code}`;
    this.say(
      `${this.name} exited (${how}); restarting in ${(this.delayMs / 1000).toFixed(1)} s, the other agents keep serving`,
    );
    this.timer = setTimeout(() => this.restart(), this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, this.policy.maxDelayMs);
  }

  private restart(): void {
    if (this.stopped) return;
    this.startedAt = Date.now();
    this.child = this.spawn();
    const child = this.child;
    void child.exited.then((code) => this.onExit(child, code));
    waitForHttp(this.healthUrl, child).then(
      () => this.say(`${this.name} restarted (pid ${child.process.pid}) and serves again`),
      () => undefined, // it died again: onExit reports it and schedules the next try
    );
  }
}
