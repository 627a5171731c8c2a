/** Compression codecs as numbered in the low three bits of a record batch's attributes. */
export const COMPRESSION_TYPES = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

export type CompressionType = (typeof COMPRESSION_TYPES)[number];

/** One compression library behind the interface the record-batch codec uses. */
export interface CompressionCodec {
  readonly type: Exclude<CompressionType, "none">;
  compress(data: Buffer): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

/** A compressed payload that its codec could not decode, or a codec id Kafka does not define. */
export class CompressionError extends Error {
  override readonly name = "CompressionError";
  constructor(
    message: string,
    /** Kafka error code to answer with: CORRUPT_MESSAGE (2) or UNSUPPORTED_COMPRESSION_TYPE (76). */
    readonly errorCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const CORRUPT_MESSAGE = 2;
export const UNSUPPORTED_COMPRESSION_TYPE = 76;

export function compressionTypeId(type: CompressionType): number {
  return COMPRESSION_TYPES.indexOf(type);
}

export function compressionTypeFromId(id: number): CompressionType {
  const type = COMPRESSION_TYPES[id];
  if (type === undefined) {
    throw new CompressionError(`unknown compression codec id ${id}`, UNSUPPORTED_COMPRESSION_TYPE);
  }
  return type;
}
