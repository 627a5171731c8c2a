import { setImmediate as afterMicrotasks } from "node:timers/promises";
import type { Clock, Timer } from "../clock.ts";
import { type Random, seededRandom } from "../storage/seeded-random.ts";

/** Who an operation or timer belongs to: an agent incarnation, or a client (never crashed). */
export type Owner = string;

/** What the scheduler does with an operation when it picks it. */
export type Fate = "answer" | "error" | "answer-lost";

/** The chances, per operation, of each fault the scheduler may inject. */
export interface OperationFaults {
  /** Fails without any effect. */
  error: number;
  /** Takes effect, but its caller sees an error (a PUT or COMMIT whose reply is lost). */
  answerLost: number;
}

export const noFaults: OperationFaults = { error: 0, answerLost: 0 };

/** An I/O operation in flight: its effect runs only when the scheduler picks it. */
interface PendingOperation {
  owner: Owner;
  label: string;
  faults: OperationFaults;
  /** Makes the effect durable and returns the answer (throwing is the operation failing). */
  apply: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface PendingTimer {
  owner: Owner;
  at: number;
  seq: number;
  callback: () => void;
}

/** A fault the scheduler made up; callers see it as the I/O failing. */
export class SimulatedFaultError extends Error {
  constructor(label: string, fate: Exclude<Fate, "answer">) {
    super(`simulated ${fate} on ${label}`);
    this.name = "SimulatedFaultError";
  }
}

/**
 * The simulation's only source of time, order and chance. Every I/O operation of the simulated
 * stores waits here until the scheduler picks it, in an order drawn from the seed; timers fire on
 * a simulated clock that moves only when the scheduler moves it. Between two steps every
 * microtask runs to completion, so a run is a pure function of its seed.
 */
export class SimScheduler {
  readonly random: Random;
  /** Whether faults are injected (off for the final, healing phase). */
  faultsEnabled = true;
  private time = 0;
  private timerSeq = 0;
  private readonly operations: PendingOperation[] = [];
  private readonly timers: PendingTimer[] = [];
  /** Crashed owners: whatever they still try to start never happens. */
  private readonly dead = new Set<Owner>();
  /** Operations completed, by label and fate: what the run exercised. */
  readonly counts = new Map<string, number>();

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  get now(): number {
    return this.time;
  }

  get pendingOperations(): number {
    return this.operations.length;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** The clock `owner` sees: simulated time, and timers that die with the owner. */
  clockFor(owner: Owner): Clock {
    return {
      now: () => this.time,
      // A fixed epoch keeps object keys' time part the same on every run.
      wallNow: () => 1_800_000_000_000 + Math.floor(this.time),
      schedule: (ms, callback) => this.schedule(owner, ms, callback),
    };
  }

  private schedule(owner: Owner, ms: number, callback: () => void): Timer {
    const timer: PendingTimer = {
      owner,
      at: this.time + Math.max(0, ms),
      seq: this.timerSeq++,
      callback,
    };
    if (!this.dead.has(owner)) this.timers.push(timer);
    return {
      cancel: () => {
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
      },
    };
  }

  /** Queues an operation; its promise settles when the scheduler picks it. */
  submit<T>(owner: Owner, label: string, faults: OperationFaults, apply: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.dead.has(owner)) return;
      this.operations.push({
        owner,
        label,
        faults,
        apply,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
  }

  /**
   * One step: completes one pending operation (picked at random, with a fate drawn from its
   * faults), or, when none is pending or by chance, fires the next timer. Then lets every
   * microtask run. Returns false when there was nothing to do.
   */
  async step(): Promise<boolean> {
    const hasOperation = this.operations.length > 0;
    const nextTimer = this.earliestTimer();
    if (!hasOperation && !nextTimer) return false;
    if (hasOperation && (!nextTimer || this.chance(0.85))) {
      // Operations take a little simulated time; a due timer may fire late, as on a busy event loop.
      this.time += this.random() * 2;
      const op = this.operations.splice(this.int(this.operations.length), 1)[0]!;
      this.complete(op);
    } else {
      this.time = Math.max(this.time, nextTimer!.at);
      this.timers.splice(this.timers.indexOf(nextTimer!), 1);
      nextTimer!.callback();
    }
    await afterMicrotasks();
    return true;
  }

  private complete(op: PendingOperation): void {
    const fate = this.drawFate(op.faults);
    this.count(`${op.label}:${fate}`);
    if (fate === "error") {
      op.reject(new SimulatedFaultError(op.label, fate));
      return;
    }
    let answer: unknown;
    try {
      answer = op.apply();
    } catch (error) {
      op.reject(error);
      return;
    }
    if (fate === "answer-lost") op.reject(new SimulatedFaultError(op.label, fate));
    else op.resolve(answer);
  }

  private drawFate(faults: OperationFaults): Fate {
    const draw = this.random();
    if (!this.faultsEnabled) return "answer";
    if (draw < faults.error) return "error";
    if (draw < faults.error + faults.answerLost) return "answer-lost";
    return "answer";
  }

  /**
   * The owner's process dies: its timers never fire and its operations never answer. Each of its
   * operations already sent either took effect or did not, as a coin decides.
   */
  crash(owner: Owner): void {
    this.dead.add(owner);
    for (let i = this.timers.length - 1; i >= 0; i--)
      if (this.timers[i]!.owner === owner) this.timers.splice(i, 1);
    for (let i = 0; i < this.operations.length;) {
      const op = this.operations[i]!;
      if (op.owner !== owner) {
        i++;
        continue;
      }
      this.operations.splice(i, 1);
      const applied = this.chance(0.5);
      this.count(`${op.label}:crash-${applied ? "after" : "before"}-effect`);
      if (applied) {
        try {
          op.apply();
        } catch {
          // It failed on its own: nothing took effect.
        }
      }
    }
  }

  count(what: string): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
  }

  private earliestTimer(): PendingTimer | undefined {
    let earliest: PendingTimer | undefined;
    for (const t of this.timers)
      if (!earliest || t.at < earliest.at || (t.at === earliest.at && t.seq < earliest.seq))
        earliest = t;
    return earliest;
  }
}
