import { compressFrame, decompressFrame } from "lz4-napi";
import type { CompressionCodec } from "./codec.ts";

/** Kafka (magic 2) uses the standard LZ4 frame format with independent blocks. */
export const lz4: CompressionCodec = {
  type: "lz4",
  compress: (data) => compressFrame(data, { contentChecksum: false, blockChecksums: false }),
  decompress: (data) => decompressFrame(data),
};
