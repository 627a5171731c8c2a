import type { Logger } from "pino";
import { blockOwner } from "../cluster/ownership.ts";
import type { LiveAgent } from "../metadata/metadata-store.ts";
import { clusterOfObjectKey } from "../storage/object-store.ts";
import type { BlockPeers } from "./block-cache.ts";

/** Counters of blocks this agent asked its peers for; prom-client Counters fit. */
export interface PeerBlockFetchMetrics {
  /** Blocks received from their owner. */
  fetched: { inc(value?: number): void };
  /** Blocks read from the object store because their owner did not answer well. */
  fallbacks: { inc(value?: number): void };
}

export interface PeerBlockClientOptions {
  self: { id: string; zone: string };
  /** The deployment's peer token, presented to the owner's /blocks route (see PeerBlockRoute). */
  token: string;
  /** The live agents of a cluster, as every agent lists them (AgentRegistry.visibleAgents). */
  agents: (clusterId: string) => Promise<LiveAgent[]>;
  /** Whole-request limit (connect, owner's load, body). Default 2000 ms. */
  timeoutMs?: number;
  /** How long an owner that could not be reached is skipped. Default 5000 ms (an agent's live window). */
  skipUnreachableMs?: number;
  metrics?: PeerBlockFetchMetrics;
  logger?: Pick<Logger, "warn">;
}

/** An owner answered, but not with the block (busy, object gone, store failing). */
class PeerAnswerError extends Error {}

/**
 * Asks a block's owner, the agent of this zone chosen by consistent hashing, over its HTTP port,
 * so a zone reads each block from the object store once. Any failure means "read it yourself":
 * a fetch never fails because a peer is down.
 */
export class PeerBlockClient implements BlockPeers {
  private readonly options: PeerBlockClientOptions;
  private readonly timeoutMs: number;
  private readonly skipUnreachableMs: number;
  private readonly unreachableUntil = new Map<string, number>();

  constructor(options: PeerBlockClientOptions) {
    this.options = options;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.skipUnreachableMs = options.skipUnreachableMs ?? 5000;
  }

  async fetchBlock(key: string, index: number, blockSize: number): Promise<Buffer | undefined> {
    const owner = await this.ownerOf(key, index);
    if (owner === undefined || owner.id === this.options.self.id) return undefined;
    if ((this.unreachableUntil.get(owner.id) ?? 0) > Date.now()) {
      this.options.metrics?.fallbacks.inc();
      return undefined;
    }
    try {
      const block = await this.request(owner, key, index, blockSize);
      this.unreachableUntil.delete(owner.id);
      this.options.metrics?.fetched.inc();
      return block;
    } catch (err) {
      if (!(err instanceof PeerAnswerError))
        this.unreachableUntil.set(owner.id, Date.now() + this.skipUnreachableMs);
      this.options.logger?.warn(
        { err, owner: owner.id, key, block: index },
        "peer block request failed; reading the object store",
      );
      this.options.metrics?.fallbacks.inc();
      return undefined;
    }
  }

  /** The owner among the live agents of this agent's zone; undefined when they cannot be listed. */
  private async ownerOf(key: string, index: number): Promise<LiveAgent | undefined> {
    const clusterId = clusterOfObjectKey(key);
    if (clusterId === undefined) return undefined;
    try {
      const agents = await this.options.agents(clusterId);
      return blockOwner(
        key,
        index,
        agents.filter((a) => a.zone === this.options.self.zone),
      );
    } catch {
      return undefined;
    }
  }

  private async request(
    owner: LiveAgent,
    key: string,
    index: number,
    blockSize: number,
  ): Promise<Buffer> {
    const host = owner.host.includes(":") ? `[${owner.host}]` : owner.host;
    const query = new URLSearchParams({ key, block: String(index), size: String(blockSize) });
    // fetch (undici) keeps connections to each peer alive between requests.
    const response = await fetch(`http://${host}:${owner.httpPort}/blocks?${query}`, {
      headers: { authorization: `Bearer ${this.options.token}` },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new PeerAnswerError(`owner answered ${response.status}`);
    }
    const block = Buffer.from(await response.arrayBuffer());
    if (block.length > blockSize)
      throw new PeerAnswerError(`owner sent ${block.length} bytes for a ${blockSize}-byte block`);
    return block;
  }
}
