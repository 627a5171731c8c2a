import type { SimGroupTables } from "./sim-group-store.ts";
import type { SimScheduler } from "./sim-scheduler.ts";

/** A request a simulated consumer sent and has not had answered yet. */
interface OpenRequest {
  consumer: string;
  api: string;
  sentAt: number;
}

/**
 * What the simulated consumers saw, checked as they see it: one owner per partition within a
 * generation, no member seeing its generation go backwards, every request answered in time.
 */
export class GroupObservations {
  readonly problems: string[] = [];
  /** Per generation, the member each partition was handed to. */
  private readonly owners = new Map<number, Map<number, string>>();
  private readonly generationsSeen = new Map<string, number>();
  private readonly open = new Map<number, OpenRequest>();
  private nextRequest = 0;
  /** Answers the consumers got, by API and error: what the run exercised. */
  readonly answers = new Map<string, number>();

  constructor(
    private readonly scheduler: SimScheduler,
    /** The longest a request may wait for its answer (simulated ms). */
    readonly answerBoundMs: number,
  ) {}

  requestSent(consumer: string, api: string): number {
    const id = this.nextRequest++;
    this.open.set(id, { consumer, api, sentAt: this.scheduler.now });
    return id;
  }

  requestAnswered(id: number): void {
    const request = this.open.get(id)!;
    this.open.delete(id);
    const waited = this.scheduler.now - request.sentAt;
    if (waited > this.answerBoundMs)
      this.problem(`${request.consumer}'s ${request.api} waited ${Math.round(waited)} ms`);
  }

  answered(api: string, error: string | null): void {
    const what = `${api} ${error ?? "ok"}`;
    this.answers.set(what, (this.answers.get(what) ?? 0) + 1);
  }

  /** Requests still waiting past the bound: members that would wait forever. */
  checkNoneStuck(): void {
    for (const r of this.open.values())
      if (this.scheduler.now - r.sentAt > this.answerBoundMs)
        this.problem(`${r.consumer}'s ${r.api} sent at ${Math.round(r.sentAt)} ms never answered`);
  }

  /** A JoinGroup answered `memberId` with `generation`. */
  joined(memberId: string, generation: number): void {
    const before = this.generationsSeen.get(memberId) ?? -1;
    if (generation < before)
      this.problem(`member ${memberId} saw generation ${generation} after ${before}`);
    this.generationsSeen.set(memberId, Math.max(before, generation));
  }

  /**
   * A SyncGroup handed `partitions` to `owner` in `generation`: a static member's instance id
   * (a restarted instance takes its predecessor's assignment over, as in Kafka), else its
   * member id.
   */
  assigned(owner: string, generation: number, partitions: readonly number[]): void {
    let owners = this.owners.get(generation);
    if (!owners) this.owners.set(generation, (owners = new Map()));
    for (const p of partitions) {
      const before = owners.get(p);
      if (before !== undefined && before !== owner)
        this.problem(`generation ${generation}: partition ${p} assigned to ${before} and ${owner}`);
      owners.set(p, owner);
    }
  }

  problem(what: string): void {
    if (this.problems.length < 20)
      this.problems.push(`${what} (at ${Math.round(this.scheduler.now)} ms)`);
  }
}

/** The member and generation an offset commit carries in its metadata: "<member>@<generation>". */
export const commitMetadata = (memberId: string, generation: number) => `${memberId}@${generation}`;

/**
 * Committed offsets never go back to a fenced member's: for each partition, the commits that
 * took effect carry non-decreasing generations.
 */
export function commitOrderProblems(tables: SimGroupTables): string[] {
  const problems: string[] = [];
  const latest = new Map<string, { generation: number; by: string; offset: bigint }>();
  for (const c of tables.appliedCommits) {
    const by = c.offset.metadata ?? "";
    const generation = Number(by.slice(by.lastIndexOf("@") + 1));
    const key = `${c.groupId}/${c.offset.topic}-${c.offset.partition}`;
    const before = latest.get(key);
    if (before && generation < before.generation)
      problems.push(
        `${key}: offset ${c.offset.offset} committed by ${by} at ${Math.round(c.simulatedMs)} ms ` +
          `after offset ${before.offset} by ${before.by} of a later generation`,
      );
    if (!before || generation >= before.generation)
      latest.set(key, { generation, by, offset: c.offset.offset });
  }
  return problems.slice(0, 20);
}
