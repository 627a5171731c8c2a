import type { Owner } from "./sim-scheduler.ts";

/** The connection to a crashed agent closed: the client does not know what became of its request. */
export class AgentCrashedError extends Error {
  constructor(owner: Owner) {
    super(`agent ${owner} crashed`);
    this.name = "AgentCrashedError";
  }
}

/**
 * The client connections of one simulated agent incarnation: each request's answer reaches its
 * client only while the agent lives; a crash cuts every waiting client off at once.
 */
export class AgentConnections {
  private readonly waiting = new Set<(error: Error) => void>();
  private alive = true;

  constructor(private readonly owner: Owner) {}

  get isAlive(): boolean {
    return this.alive;
  }

  answer<T>(request: () => Promise<T>): Promise<T> {
    if (!this.alive) return Promise.reject(new AgentCrashedError(this.owner));
    const work = request();
    return new Promise<T>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.waiting.add(fail);
      work.then(
        (value) => {
          if (!this.waiting.delete(fail)) return;
          resolve(value);
        },
        (error: unknown) => {
          if (!this.waiting.delete(fail)) return;
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** SIGKILL: every waiting client sees its connection close. */
  cutOff(): void {
    this.alive = false;
    for (const fail of [...this.waiting]) fail(new AgentCrashedError(this.owner));
    this.waiting.clear();
  }
}
