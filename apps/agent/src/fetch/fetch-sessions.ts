import { randomInt } from "node:crypto";

/**
 * Incremental fetch sessions (KIP-227). A consumer of many partitions sends them all once (epoch
 * 0: a new session), then only what changed (its epoch counting up): partitions whose position
 * moved, and topics to forget. The agent answers a session's fetch with only the partitions that
 * have something new: records, an error, or a changed high watermark / log start.
 *
 * Sessions are soft state of one agent, like Kafka's broker-side cache: bounded in count, the
 * least recently used one given up for a new session when it is idle long enough or smaller. A
 * client that meets another agent, or an evicted session, gets FETCH_SESSION_ID_NOT_FOUND and
 * starts over with a full fetch. A session belongs to one virtual cluster.
 */

/** One partition of a fetch, as the handler reads it. */
export interface SessionPartition {
  /** The topic as the client names it: its name (Fetch v7-12) or its id (v13+). */
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
  /** What the client last heard, so an unchanged partition can be left out of a response. */
  highWatermark?: bigint;
  logStartOffset?: bigint;
}

export interface FetchSessionRequest {
  sessionId: number;
  sessionEpoch: number;
  /** Partitions the request names (all of them in a full fetch; additions and moves otherwise). */
  partitions: readonly Omit<SessionPartition, "highWatermark" | "logStartOffset">[];
  forgotten: readonly { topic: string; partitions: readonly number[] }[];
  /** Whether `topic` holds ids (v13+) rather than names. */
  usesTopicIds: boolean;
}

export type FetchSessionOutcome =
  | {
      errorCode:
        | "FETCH_SESSION_ID_NOT_FOUND"
        | "INVALID_FETCH_SESSION_EPOCH"
        | "FETCH_SESSION_TOPIC_ID_ERROR";
    }
  | {
      /** 0 when the fetch has no session (sessionless, or the cache had no room). */
      sessionId: number;
      /** Answer only the partitions that changed (an incremental fetch of a session). */
      incremental: boolean;
      /** Every partition to read, in the session's order. */
      partitions: SessionPartition[];
    };

export interface FetchSessionCacheOptions {
  /** Sessions kept at once (Kafka's max.incremental.fetch.session.cache.slots). */
  maxSessions: number;
  /** A session unused this long may be evicted for any new one. */
  evictionMs: number;
  now?: () => number;
}

interface FetchSession {
  id: number;
  clusterId: string;
  usesTopicIds: boolean;
  /** The epoch the next request must carry. */
  epoch: number;
  lastUsed: number;
  partitions: Map<string, SessionPartition>;
}

const FINAL_EPOCH = -1;
const INITIAL_EPOCH = 0;

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Kafka's epoch succession: it wraps from int32 max to 1 (0 only ever starts a session). */
function nextEpoch(epoch: number): number {
  return epoch === 0x7fffffff ? 1 : epoch + 1;
}

export class FetchSessionCache {
  /** Insertion order is use order: the first session is the least recently used. */
  private readonly sessions = new Map<number, FetchSession>();
  private readonly now: () => number;

  constructor(private readonly options: FetchSessionCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  /**
   * Works out what a Fetch (v7+) reads under its session fields: closes, creates or advances a
   * session. After reading, `recordAnswered` keeps what the client was told.
   */
  open(clusterId: string, request: FetchSessionRequest): FetchSessionOutcome {
    const { sessionId, sessionEpoch } = request;
    const full = () => request.partitions.map((p) => ({ ...p }));
    if (sessionEpoch === FINAL_EPOCH || sessionEpoch === INITIAL_EPOCH) {
      if (sessionId !== 0) this.close(clusterId, sessionId);
      if (sessionEpoch === FINAL_EPOCH)
        return { sessionId: 0, incremental: false, partitions: full() };
      const session = this.create(clusterId, request);
      if (!session) return { sessionId: 0, incremental: false, partitions: full() };
      return {
        sessionId: session.id,
        incremental: false,
        partitions: [...session.partitions.values()],
      };
    }
    const session = this.sessions.get(sessionId);
    if (!session || session.clusterId !== clusterId)
      return { errorCode: "FETCH_SESSION_ID_NOT_FOUND" };
    if (session.epoch !== sessionEpoch) return { errorCode: "INVALID_FETCH_SESSION_EPOCH" };
    if (session.usesTopicIds !== request.usesTopicIds)
      return { errorCode: "FETCH_SESSION_TOPIC_ID_ERROR" };
    for (const p of request.partitions) {
      const key = keyOf(p.topic, p.partition);
      const known = session.partitions.get(key);
      session.partitions.set(key, { ...known, ...p });
    }
    for (const { topic, partitions } of request.forgotten)
      for (const partition of partitions) session.partitions.delete(keyOf(topic, partition));
    session.epoch = nextEpoch(session.epoch);
    this.touch(session);
    return {
      sessionId: session.id,
      incremental: true,
      partitions: [...session.partitions.values()],
    };
  }

  /**
   * Keeps what a response told the client of each partition (`partitions` are the objects `open`
   * returned), and says whether an incremental response must include it.
   */
  static changed(
    partition: SessionPartition,
    answer: { highWatermark: bigint; logStartOffset: bigint },
  ): boolean {
    const changed =
      partition.highWatermark !== answer.highWatermark ||
      partition.logStartOffset !== answer.logStartOffset;
    partition.highWatermark = answer.highWatermark;
    partition.logStartOffset = answer.logStartOffset;
    return changed;
  }

  private close(clusterId: string, sessionId: number): void {
    if (this.sessions.get(sessionId)?.clusterId === clusterId) this.sessions.delete(sessionId);
  }

  private create(clusterId: string, request: FetchSessionRequest): FetchSession | undefined {
    if (this.sessions.size >= this.options.maxSessions && !this.evictFor(request.partitions.length))
      return undefined;
    let id: number;
    do id = randomInt(1, 0x7fffffff);
    while (this.sessions.has(id));
    const session: FetchSession = {
      id,
      clusterId,
      usesTopicIds: request.usesTopicIds,
      epoch: 1,
      lastUsed: this.now(),
      partitions: new Map(request.partitions.map((p) => [keyOf(p.topic, p.partition), { ...p }])),
    };
    this.sessions.set(id, session);
    return session;
  }

  /** Kafka's rule: the least recently used session goes if it is stale or smaller than the new one. */
  private evictFor(partitionCount: number): boolean {
    const oldest = this.sessions.values().next().value;
    if (!oldest) return true;
    const stale = this.now() - oldest.lastUsed >= this.options.evictionMs;
    if (!stale && oldest.partitions.size >= partitionCount) return false;
    this.sessions.delete(oldest.id);
    return true;
  }

  private touch(session: FetchSession): void {
    session.lastUsed = this.now();
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
  }
}
