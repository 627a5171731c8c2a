import { hash as digest } from "node:crypto";

/** Bytes a slot takes: a 16-byte key hash and a 32-bit offset relative to the map's base. */
export const SLOT_BYTES = 20;
/** Slots filled at most: linear probing stays short below this. */
const MAX_LOAD = 0.75;

/**
 * The newest offset of each key in a stretch of a partition, in a fixed amount of memory: keys
 * are kept as their MD5 (as Kafka's log cleaner does; a collision would need ~2^64 keys), in an
 * open-addressing table of typed arrays, never as strings or buffers. Offsets are relative to
 * `baseOffset` (plain numbers: no BigInt per record), so a stretch spans at most 2^31 offsets.
 */
export class KeyOffsetMap {
  private readonly hashes: Uint32Array;
  private readonly offsets: Int32Array;
  private readonly slots: number;
  private used = 0;

  constructor(
    memoryBytes: number,
    readonly baseOffset: bigint,
  ) {
    this.slots = Math.max(16, Math.floor(memoryBytes / SLOT_BYTES));
    this.hashes = new Uint32Array(this.slots * 4);
    this.offsets = new Int32Array(this.slots).fill(-1);
  }

  /** Keys this map takes at most. */
  get capacity(): number {
    return Math.floor(this.slots * MAX_LOAD);
  }

  get size(): number {
    return this.used;
  }

  /** Records `relativeOffset` as the newest of `key` (offsets are put in increasing order). */
  put(key: Buffer, relativeOffset: number): void {
    const hash = digest("md5", key, "buffer");
    const slot = this.find(hash);
    if (this.offsets[slot] === -1) {
      if (this.used >= this.capacity) throw new Error("key offset map is full");
      this.used++;
      for (let i = 0; i < 4; i++) this.hashes[slot * 4 + i] = hash.readUInt32LE(i * 4);
    }
    this.offsets[slot] = relativeOffset;
  }

  /** The newest relative offset put for `key`, or undefined. */
  get(key: Buffer): number | undefined {
    const relative = this.offsets[this.find(digest("md5", key, "buffer"))]!;
    return relative === -1 ? undefined : relative;
  }

  /** The slot holding `hash`, or the empty slot where it would go. */
  private find(hash: Buffer): number {
    const a = hash.readUInt32LE(0);
    const b = hash.readUInt32LE(4);
    const c = hash.readUInt32LE(8);
    const d = hash.readUInt32LE(12);
    for (let slot = a % this.slots; ; slot = (slot + 1) % this.slots) {
      if (this.offsets[slot] === -1) return slot;
      const h = slot * 4;
      if (
        this.hashes[h] === a &&
        this.hashes[h + 1] === b &&
        this.hashes[h + 2] === c &&
        this.hashes[h + 3] === d
      )
        return slot;
    }
  }
}
