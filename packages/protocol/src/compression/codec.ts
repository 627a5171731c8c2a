/** Compression codecs as numbered in the low three bits of a record batch's attributes. */
export const COMPRESSION_TYPES = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

export type CompressionType = (typeof COMPRESSION_TYPES)[number];

/** One compression library behind the interface the record-batch codec uses. */
export interface CompressionCodec {
  readonly type: Exclude<CompressionType, "none">;
  compress(data: Buffer): Promise<Buffer>;
  /** `maxBytes`: the codec may stop (throwing) once its output would exceed it. */
  decompress(data: Buffer, maxBytes?: number): Promise<Buffer>;
}

/** A compressed payload that its codec could not decode, or a codec id Kafka does not define. */
export class CompressionError extends Error {
  override readonly name: string = "CompressionError";
  constructor(
    message: string,
    /** Kafka error code to answer with: CORRUPT_MESSAGE (2) or UNSUPPORTED_COMPRESSION_TYPE (76). */
    readonly errorCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A batch that would decompress to more than the caller allows (a decompression bomb). */
export class UncompressedSizeError extends CompressionError {
  override readonly name = "UncompressedSizeError";
  constructor(maxBytes: number) {
    super(`record batch decompresses to more than ${maxBytes} bytes`, RECORD_LIST_TOO_LARGE);
  }
}

export const CORRUPT_MESSAGE = 2;
export const RECORD_LIST_TOO_LARGE = 18;
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
