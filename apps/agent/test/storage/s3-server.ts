import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** s3://<bucket>/<prefix>?endpoint=...&region=us-east-1&forcePathStyle=true */
  bucketUrl(prefix?: string): string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

// s3rver's continuation tokens use DES, which Node 20 only has with the legacy OpenSSL provider:
// so it runs in its own process (which is also what a real S3 endpoint is).
const SERVER_SCRIPT = `
const S3rver = require(process.env.S3RVER_PATH);
const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: process.env.S3RVER_DIR,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET }] });
server.run().then((addr) => console.log(JSON.stringify({ port: addr.port })), (err) => { console.error(err); process.exit(1); });
process.on("SIGTERM", () => server.close().finally(() => process.exit(0)));
`;

/** Starts a real S3-API server (s3rver) on a free loopback port with one bucket. */
export async function startS3Server(bucket = "streambed-test"): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(tmpdir(), "streambed-s3rver-"));
  const require = createRequire(import.meta.url);
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "-e", SERVER_SCRIPT], {
    env: {
      ...process.env,
      S3RVER_PATH: require.resolve("s3rver"),
      S3RVER_DIR: directory,
      S3RVER_BUCKET: bucket,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    bucketUrl: (prefix = "") =>
      `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true`,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
