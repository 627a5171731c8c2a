import {
  CompressionError,
  compressionTypeFromId,
  CORRUPT_MESSAGE,
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

/** Decompress with the given type; failures of the underlying library become CompressionError. */
export async function decompress(type: CompressionType | number, data: Buffer): Promise<Buffer> {
  const codec = compressionCodec(typeof type === "number" ? compressionTypeFromId(type) : type);
  if (codec === null) return data;
  try {
    return await codec.decompress(data);
  } catch (cause) {
    if (cause instanceof CompressionError) throw cause;
    throw new CompressionError(`invalid ${codec.type} data`, CORRUPT_MESSAGE, { cause });
  }
}
