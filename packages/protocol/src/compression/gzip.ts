import { promisify } from "node:util";
import { gunzip, gzip as gzipCallback } from "node:zlib";
import type { CompressionCodec } from "./codec.ts";

const gzipAsync = promisify(gzipCallback);
const gunzipAsync = promisify(gunzip);

export const gzip: CompressionCodec = {
  type: "gzip",
  compress: (data) => gzipAsync(data),
  decompress: (data, maxBytes) =>
    gunzipAsync(data, maxBytes === undefined ? {} : { maxOutputLength: maxBytes }),
};
