/**
 * The object a flush writes. One object per flush (per cluster), holding the record batches of
 * every partition in it:
 *
 *   object   := section* footer trailer
 *   section  := the batches of one partition, exactly as producers sent them (baseOffset is a
 *               placeholder patched on fetch), entries in arrival order; sections are sorted by
 *               (topicId, partition)
 *   footer   := u32 sectionCount, then per section (44 bytes):
 *               topicId (16 bytes, UUID) | partition i32 | byteOffset u64 | byteLength u32 |
 *               recordCount u32 | maxTimestamp i64
 *   trailer  := u32 footerLength | magic "SBFLUSH1" (8 bytes)
 *
 * All integers big-endian. The metadata store's index rows are the source of truth for readers;
 * the footer makes an object self-describing for compaction, recovery and debugging.
 */

export const FLUSH_OBJECT_MAGIC = Buffer.from("SBFLUSH1", "latin1");
const SECTION_BYTES = 44;
const TRAILER_BYTES = 4 + FLUSH_OBJECT_MAGIC.length;

export interface FlushSectionInput {
  topicId: string;
  partition: number;
  /** The entries' batch blobs, in arrival order. */
  chunks: readonly Buffer[];
  recordCount: number;
  maxTimestamp: bigint;
}

export interface FlushSection {
  topicId: string;
  partition: number;
  byteOffset: number;
  byteLength: number;
  recordCount: number;
  maxTimestamp: bigint;
}

export interface EncodedFlushObject {
  /** The object's bytes, to be written as one object without concatenating. */
  parts: Buffer[];
  size: number;
  sections: FlushSection[];
}

/** Lays out the sections (which must already be in (topicId, partition) order) plus the footer. */
export function encodeFlushObject(inputs: readonly FlushSectionInput[]): EncodedFlushObject {
  const parts: Buffer[] = [];
  const sections: FlushSection[] = [];
  let offset = 0;
  for (const input of inputs) {
    let length = 0;
    for (const chunk of input.chunks) {
      parts.push(chunk);
      length += chunk.length;
    }
    sections.push({
      topicId: input.topicId,
      partition: input.partition,
      byteOffset: offset,
      byteLength: length,
      recordCount: input.recordCount,
      maxTimestamp: input.maxTimestamp,
    });
    offset += length;
  }
  const footer = Buffer.alloc(4 + sections.length * SECTION_BYTES + TRAILER_BYTES);
  footer.writeUInt32BE(sections.length, 0);
  let p = 4;
  // A flush's sections are mostly of a few topics: parse each topic id once.
  const topicIdBytes = new Map<string, Buffer>();
  for (const s of sections) {
    let idBytes = topicIdBytes.get(s.topicId);
    if (!idBytes) {
      idBytes = uuidToBytes(s.topicId);
      topicIdBytes.set(s.topicId, idBytes);
    }
    idBytes.copy(footer, p);
    footer.writeInt32BE(s.partition, p + 16);
    footer.writeBigUInt64BE(BigInt(s.byteOffset), p + 20);
    footer.writeUInt32BE(s.byteLength, p + 28);
    footer.writeUInt32BE(s.recordCount, p + 32);
    footer.writeBigInt64BE(s.maxTimestamp, p + 36);
    p += SECTION_BYTES;
  }
  const footerLength = p;
  footer.writeUInt32BE(footerLength, p);
  FLUSH_OBJECT_MAGIC.copy(footer, p + 4);
  parts.push(footer);
  return { parts, size: offset + footer.length, sections };
}

export class FlushObjectFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FlushObjectFormatError";
  }
}

/** Reads the sections back from a whole object. */
export function decodeFlushObjectFooter(object: Buffer): FlushSection[] {
  if (object.length < TRAILER_BYTES + 4) throw new FlushObjectFormatError("object too small");
  const magicAt = object.length - FLUSH_OBJECT_MAGIC.length;
  if (!object.subarray(magicAt).equals(FLUSH_OBJECT_MAGIC))
    throw new FlushObjectFormatError("bad magic");
  const footerLength = object.readUInt32BE(magicAt - 4);
  const footerStart = magicAt - 4 - footerLength;
  if (footerStart < 0) throw new FlushObjectFormatError("footer length out of range");
  const count = object.readUInt32BE(footerStart);
  if (4 + count * SECTION_BYTES !== footerLength)
    throw new FlushObjectFormatError("footer length mismatch");
  const sections: FlushSection[] = [];
  for (let i = 0, p = footerStart + 4; i < count; i++, p += SECTION_BYTES) {
    const section: FlushSection = {
      topicId: bytesToUuid(object.subarray(p, p + 16)),
      partition: object.readInt32BE(p + 16),
      byteOffset: Number(object.readBigUInt64BE(p + 20)),
      byteLength: object.readUInt32BE(p + 28),
      recordCount: object.readUInt32BE(p + 32),
      maxTimestamp: object.readBigInt64BE(p + 36),
    };
    if (section.byteOffset + section.byteLength > footerStart) {
      throw new FlushObjectFormatError("section outside the data area");
    }
    sections.push(section);
  }
  return sections;
}

function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new FlushObjectFormatError(`not a UUID: ${uuid}`);
  return Buffer.from(hex, "hex");
}

function bytesToUuid(bytes: Buffer): string {
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
