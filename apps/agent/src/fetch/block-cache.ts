import type { ObjectStore } from "../storage/object-store.ts";

export interface BlockCacheOptions {
  /** Default 4 MiB. */
  blockSize?: number;
  /** Total bytes of blocks kept. Default 256 MiB. */
  maxBytes?: number;
  metrics?: BlockCacheMetrics;
  /** Other agents of the zone that own blocks; without it every miss reads the object store. */
  peers?: BlockPeers;
}

/** The agents blocks are asked from before reading the object store (see DESIGN, "Fetch path"). */
export interface BlockPeers {
  /**
   * The block from the agent that owns it, or undefined when this agent owns it or the owner did
   * not answer: the caller then reads the object store itself.
   */
  fetchBlock(key: string, index: number, blockSize: number): Promise<Buffer | undefined>;
}

export interface BlockCacheMetrics {
  hits: { inc(value?: number): void };
  misses: { inc(value?: number): void };
}

export interface BlockCacheStats {
  hits: number;
  misses: number;
  /** Bytes of blocks held now. */
  bytes: number;
  blocks: number;
}

export const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;

/** A block came back shorter than the bytes the index says the object holds there. */
export class ShortReadError extends Error {
  constructor(key: string, blockStart: number, got: number, needed: number) {
    super(`short read of ${key} at byte ${blockStart}: ${got} of ${needed} bytes`);
    this.name = "ShortReadError";
  }
}

/**
 * Fixed-size blocks of immutable objects, kept in memory LRU by bytes. Reads are served from
 * blocks; a block is fetched with one range GET, and concurrent reads of a block share that GET.
 */
export class BlockCache {
  readonly blockSize: number;
  private readonly maxBytes: number;
  private readonly store: Pick<ObjectStore, "getRange">;
  private readonly metrics: BlockCacheMetrics | undefined;
  /** Loaded blocks in least-recently-used-first order (Map keeps insertion order). */
  private readonly blocks = new Map<string, Buffer>();
  private readonly loading = new Map<string, { load: Promise<Buffer>; fromPeer: boolean }>();
  private readonly peers: BlockPeers | undefined;
  private heldBytes = 0;
  private hitCount = 0;
  private missCount = 0;

  constructor(store: Pick<ObjectStore, "getRange">, options: BlockCacheOptions = {}) {
    this.store = store;
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
    this.metrics = options.metrics;
    this.peers = options.peers;
  }

  get stats(): BlockCacheStats {
    return {
      hits: this.hitCount,
      misses: this.missCount,
      bytes: this.heldBytes,
      blocks: this.blocks.size,
    };
  }

  /**
   * Bytes [start, end) of the object, a range the index says it holds. A block that comes back
   * shorter than the range needs (a torn read) is dropped, not kept, and the read fails: a retry
   * loads it again instead of every later read seeing the object end early.
   */
  async read(key: string, start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    const first = Math.floor(start / this.blockSize);
    const last = Math.floor((end - 1) / this.blockSize);
    const indexes = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    const blocks = await Promise.all(indexes.map((i) => this.block(key, i)));
    const pieces: Buffer[] = [];
    for (const [n, block] of blocks.entries()) {
      const blockStart = (first + n) * this.blockSize;
      const needed = Math.min(this.blockSize, end - blockStart);
      if (block.length < needed) {
        this.forget(`${first + n}@${key}`, block);
        throw new ShortReadError(key, blockStart, block.length, needed);
      }
      pieces.push(block.subarray(Math.max(0, start - blockStart), needed));
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }

  private forget(id: string, block: Buffer): void {
    if (this.blocks.get(id) !== block) return;
    this.blocks.delete(id);
    this.heldBytes -= block.length;
  }

  /**
   * Starts loading the blocks of [start, end) that are neither cached nor loading, without
   * waiting; returns the bytes of blocks it started (errors surface when the range is read).
   */
  prefetch(key: string, start: number, end: number): number {
    let started = 0;
    for (let i = Math.floor(start / this.blockSize); i * this.blockSize < end; i++) {
      const id = `${i}@${key}`;
      if (this.blocks.has(id) || this.loading.has(id)) continue;
      this.block(key, i).catch(() => undefined);
      started += this.blockSize;
    }
    return started;
  }

  /**
   * Block `index` of the object, loaded from the object store when not cached (never from a
   * peer): what an owner serves to the other agents. Joining a load that asks a peer could loop
   * back here while two agents briefly disagree on the owner.
   */
  ownedBlock(key: string, index: number): Promise<Buffer> {
    return this.block(key, index, true);
  }

  private block(key: string, index: number, storeOnly = false): Promise<Buffer> {
    const id = `${index}@${key}`;
    const cached = this.blocks.get(id);
    if (cached) {
      this.blocks.delete(id);
      this.blocks.set(id, cached);
      this.hitCount++;
      this.metrics?.hits.inc();
      return Promise.resolve(cached);
    }
    const inFlight = this.loading.get(id);
    if (inFlight && !(storeOnly && inFlight.fromPeer)) {
      this.hitCount++;
      this.metrics?.hits.inc();
      return inFlight.load;
    }
    this.missCount++;
    this.metrics?.misses.inc();
    const start = index * this.blockSize;
    const fromStore = () => this.store.getRange(key, start, start + this.blockSize);
    const peers = storeOnly ? undefined : this.peers;
    const source = peers
      ? peers.fetchBlock(key, index, this.blockSize).then((block) => block ?? fromStore())
      : fromStore();
    const entry = {
      fromPeer: peers !== undefined,
      load: source.then(
        (block) => {
          if (this.loading.get(id) === entry) this.loading.delete(id);
          this.insert(id, block);
          return block;
        },
        (error: unknown) => {
          if (this.loading.get(id) === entry) this.loading.delete(id);
          throw error;
        },
      ),
    };
    this.loading.set(id, entry);
    return entry.load;
  }

  private insert(id: string, block: Buffer): void {
    if (block.length > this.maxBytes || this.blocks.has(id)) return;
    this.blocks.set(id, block);
    this.heldBytes += block.length;
    for (const [oldest, evicted] of this.blocks) {
      if (this.heldBytes <= this.maxBytes) break;
      this.blocks.delete(oldest);
      this.heldBytes -= evicted.length;
    }
  }
}
