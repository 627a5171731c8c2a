export interface FailureLimiterOptions {
  /** Failed attempts per (source address, existing username) within `windowMs`. Default 10. */
  maxFailures?: number;
  /** Failed attempts per source address with usernames that do not exist. Default 100. */
  maxUnknownUserFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** How long each attempt over the limit waits before it is checked. Default 2 s. */
  delayMs?: number;
  /** Attempts over the limit that may wait at once per key; more are refused. Default 32. */
  maxWaiting?: number;
  /** Called for every attempt over the limit: whether it waits or is refused. */
  onThrottled?: (outcome: "delayed" | "refused") => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Who is attempting: the source address and the username, if a credential has that name. */
export interface AttemptSource {
  address: string;
  username: string;
  knownUser: boolean;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Limits failed SASL attempts so a password cannot be guessed at connection speed, without
 * letting one client's failures lock others out. Failures count per (address, username), so a
 * client retrying an old password behind a NAT slows down only attempts with that username;
 * attempts with usernames that do not exist share a much higher per-address ceiling. Over the
 * limit, attempts are not refused but queued one behind the other, `delayMs` apart, before their
 * credentials are checked: guesses slow to one per delay while the right password still gets in.
 */
export class FailureLimiter {
  private readonly maxFailures: number;
  private readonly maxUnknownUserFailures: number;
  private readonly windowMs: number;
  private readonly delayMs: number;
  private readonly maxWaiting: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly failures = new Map<string, number[]>();
  /** Per key: the tail of the queue of waiting attempts, and how many wait in it. */
  private readonly queues = new Map<string, { tail: Promise<void>; waiting: number }>();

  constructor(private readonly options: FailureLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 10;
    this.maxUnknownUserFailures = options.maxUnknownUserFailures ?? 100;
    this.windowMs = options.windowMs ?? 60_000;
    this.delayMs = options.delayMs ?? 2000;
    this.maxWaiting = options.maxWaiting ?? 32;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleepFor;
  }

  /**
   * Resolves true when the attempt may be checked (at once, or after waiting its turn when over
   * the limit), false when too many attempts already wait.
   */
  async admit(source: AttemptSource): Promise<boolean> {
    const key = keyOf(source);
    const limit = source.knownUser ? this.maxFailures : this.maxUnknownUserFailures;
    if (this.recent(key).length < limit) return true;
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    if (queue.waiting >= this.maxWaiting) {
      this.options.onThrottled?.("refused");
      return false;
    }
    this.options.onThrottled?.("delayed");
    const turn = queue.tail.then(() => this.sleep(this.delayMs));
    queue.tail = turn;
    queue.waiting++;
    this.queues.set(key, queue);
    await turn;
    if (--queue.waiting === 0 && this.queues.get(key) === queue) this.queues.delete(key);
    return true;
  }

  recordFailure(source: AttemptSource): void {
    const key = keyOf(source);
    const times = this.recent(key);
    times.push(this.now());
    this.failures.set(key, times);
    if (this.failures.size > 100_000) this.prune();
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) this.recent(key);
  }
}

/** Unknown usernames share one key per address, so spraying names cannot grow the map per name. */
function keyOf({ address, username, knownUser }: AttemptSource): string {
  return knownUser ? `${address}\u0000${username}` : address;
}
