import { BlockCache } from "../fetch/block-cache.ts";
import {
  type FetchPartitionResult,
  FetchReader,
  type FetchRequest,
} from "../fetch/fetch-reader.ts";
import { IndexRowCache } from "../fetch/index-row-cache.ts";
import { PartitionHeadCache } from "../fetch/partition-heads.ts";
import { type AppendResult, type ProduceEntry, ProduceBuffer } from "../produce/produce-buffer.ts";
import {
  type SimMetadata,
  type SimMetadataFaults,
  SimMetadataStore,
} from "./sim-metadata-store.ts";
import { type SimBucket, SimObjectStore, type SimStoreFaults } from "./sim-object-store.ts";
import { AgentConnections } from "./agent-connections.ts";
import type { Owner, SimScheduler } from "./sim-scheduler.ts";

/** The knobs of one simulated agent, drawn from the seed. */
export interface SimAgentConfig {
  batchTimeoutMs: number;
  batchMaxBytes: number;
  maxFlushesInFlight: number;
  blockSize: number;
}

/** What an agent incarnation stands on: the durable bucket and tables, and the scheduler. */
export interface SimWorld {
  scheduler: SimScheduler;
  bucket: SimBucket;
  metadata: SimMetadata;
  storeFaults: SimStoreFaults;
  metadataFaults: SimMetadataFaults;
}

/**
 * One incarnation of an agent's data plane, built from the real core modules (produce buffer,
 * flush, commit, fetch reader, caches) on the simulated store, metadata store and clock. A crash
 * drops every bit of its memory; the next incarnation starts on the same bucket and tables.
 */
export class SimAgent {
  readonly owner: Owner;
  private readonly world: SimWorld;
  private readonly buffer: ProduceBuffer;
  private readonly reader: FetchReader;
  private readonly heads: PartitionHeadCache;
  /** Clients waiting on this incarnation: their connections close when it crashes. */
  private readonly connections: AgentConnections;

  constructor(world: SimWorld, owner: Owner, config: SimAgentConfig) {
    this.world = world;
    this.owner = owner;
    this.connections = new AgentConnections(owner);
    const { scheduler } = world;
    const clock = scheduler.clockFor(owner);
    const store = new SimObjectStore(world.bucket, scheduler, owner, world.storeFaults);
    const metadata = new SimMetadataStore(world.metadata, scheduler, owner, world.metadataFaults);
    this.heads = new PartitionHeadCache(metadata, clock);
    this.buffer = new ProduceBuffer({
      store,
      metadata,
      batchMaxBytes: config.batchMaxBytes,
      batchTimeoutMs: config.batchTimeoutMs,
      maxFlushesInFlight: config.maxFlushesInFlight,
      clock,
      random: scheduler.random,
      // As agent.ts: local fetchers learn of a commit at once.
      onCommitted: (_clusterId, committed) => this.heads.apply(committed),
    });
    this.reader = new FetchReader({
      metadata,
      heads: this.heads,
      blocks: new BlockCache(store, { blockSize: config.blockSize }),
      indexRows: new IndexRowCache({ clock, ttlMs: 50 }),
      clock,
    });
  }

  get isAlive(): boolean {
    return this.connections.isAlive;
  }

  start(): Promise<void> {
    return this.heads.start();
  }

  produce(entries: readonly ProduceEntry[]): Promise<AppendResult[]> {
    return this.connections.answer(() =>
      this.buffer.append(this.world.metadata.clusterId, entries),
    );
  }

  fetch(request: Omit<FetchRequest, "clusterId">): Promise<FetchPartitionResult[]> {
    return this.connections.answer(() =>
      this.reader.read({ ...request, clusterId: this.world.metadata.clusterId }),
    );
  }

  /** SIGKILL: nothing in memory survives, nothing it had sent answers, its clients are cut off. */
  crash(): void {
    this.world.metadata.listeners.delete(this.owner);
    this.world.scheduler.crash(this.owner);
    this.connections.cutOff();
  }
}
