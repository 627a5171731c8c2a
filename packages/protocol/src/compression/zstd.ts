import { compress, decompress } from "@mongodb-js/zstd";
import type { CompressionCodec } from "./codec.ts";

// Level 3 is zstd's default and what Kafka producers use unless configured otherwise.
const LEVEL = 3;

export const zstd: CompressionCodec = {
  type: "zstd",
  compress: (data) => compress(data, LEVEL),
  decompress: (data) => decompress(data),
};
