import { uncompressedLengthBound } from "./declared-length.ts";
import {
  CompressionError,
  compressionTypeFromId,
  compressionTypeId,
  CORRUPT_MESSAGE,
  UncompressedSizeError,
  type CompressionCodec,
  type CompressionType,
} from "./codec.ts";
import { gzip } from "./gzip.ts";
import { lz4 } from "./lz4.ts";
import { snappy } from "./snappy.ts";
import { zstd } from "./zstd.ts";

const CODECS: Record<Exclude<CompressionType, "none">, CompressionCodec> = {
  gzip,
  snappy,
  lz4,
  zstd,
};

/** The codec for a compression type; `null` for "none". */
export function compressionCodec(type: CompressionType): CompressionCodec | null {
  return type === "none" ? null : CODECS[type];
}

/** Compress with the given type; "none" returns the input. */
export async function compress(type: CompressionType | number, data: Buffer): Promise<Buffer> {
  const codec = compressionCodec(typeof type === "number" ? compressionTypeFromId(type) : type);
  return codec === null ? data : codec.compress(data);
}

/**
 * Decompress with the given type; failures of the underlying library become CompressionError.
 * With `maxBytes`, never inflates more than that: a payload whose framing promises more, or does
 * not say (except gzip, which zlib stops at the limit), is refused before it is decompressed, with
 * UncompressedSizeError or CORRUPT_MESSAGE.
 */
export async function decompress(
  type: CompressionType | number,
  data: Buffer,
  maxBytes?: number,
): Promise<Buffer> {
  const codec = compressionCodec(typeof type === "number" ? compressionTypeFromId(type) : type);
  if (codec === null) return data;
  if (maxBytes !== undefined && codec.type !== "gzip") {
    const bound = uncompressedLengthBound(compressionTypeId(codec.type), data, 0, data.length);
    if (bound === null)
      throw new CompressionError(`unreadable ${codec.type} framing`, CORRUPT_MESSAGE);
    if (bound > maxBytes) throw new UncompressedSizeError(maxBytes);
  }
  let output: Buffer;
  try {
    output = await codec.decompress(data, maxBytes);
  } catch (cause) {
    if (cause instanceof CompressionError) throw cause;
    if (maxBytes !== undefined && (cause as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new UncompressedSizeError(maxBytes);
    throw new CompressionError(`invalid ${codec.type} data`, CORRUPT_MESSAGE, { cause });
  }
  if (maxBytes !== undefined && output.length > maxBytes) throw new UncompressedSizeError(maxBytes);
  return output;
}
