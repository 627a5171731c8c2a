import { fileURLToPath } from "node:url";
import { FaultInjectingObjectStore } from "./fault-injecting-object-store.ts";
import { LocalDirObjectStore } from "./local-dir.ts";
import type { ObjectStore } from "./object-store.ts";
import { withRequestDeadline } from "./request-deadline.ts";
import { S3ObjectStore, type S3ObjectStoreOptions } from "./s3.ts";
import { describeStoreFaults, type StoreFaults } from "./store-faults.ts";

export interface OpenObjectStoreOptions {
  /** S3 credentials; without them the AWS SDK's default chain (AWS_* variables, profiles) is used. */
  s3Credentials?: S3ObjectStoreOptions["credentials"];
}

export class BucketUrlError extends Error {
  constructor(url: string, reason: string) {
    super(`invalid bucket URL ${JSON.stringify(url)}: ${reason}`);
    this.name = "BucketUrlError";
  }
}

/**
 * Opens the store a bucket URL names:
 *   file:///abs/dir
 *   s3://bucket[/prefix][?endpoint=http://127.0.0.1:4569&region=us-east-1&forcePathStyle=true]
 * (region defaults to AWS_REGION or us-east-1).
 */
export function openObjectStore(
  bucketUrl: string,
  options: OpenObjectStoreOptions = {},
): ObjectStore {
  let url: URL;
  try {
    url = new URL(bucketUrl);
  } catch {
    throw new BucketUrlError(bucketUrl, "not a URL");
  }
  if (url.protocol === "file:") {
    if (url.host !== "" && url.host !== "localhost")
      throw new BucketUrlError(bucketUrl, "file URLs must be local");
    return new LocalDirObjectStore(fileURLToPath(url));
  }
  if (url.protocol === "s3:") {
    if (url.hostname === "") throw new BucketUrlError(bucketUrl, "missing bucket");
    const params = url.searchParams;
    const forcePathStyle =
      params.get("forcePathStyle") ?? params.get("s3ForcePathStyle") ?? "false";
    const endpoint = params.get("endpoint");
    return new S3ObjectStore({
      bucket: url.hostname,
      prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ""),
      region: params.get("region") ?? process.env.AWS_REGION ?? "us-east-1",
      forcePathStyle: forcePathStyle === "true",
      ...(endpoint ? { endpoint } : {}),
      ...(options.s3Credentials ? { credentials: options.s3Credentials } : {}),
    });
  }
  throw new BucketUrlError(bucketUrl, `unsupported scheme ${url.protocol} (use file: or s3:)`);
}

/**
 * The agent's store: the bucket URL's store, with faults injected when asked for, every request
 * bounded by the deadline (outermost, so that injected stalls end the way real ones would).
 */
export function openAgentObjectStore(
  config: { bucketUrl: string; storeFaults: StoreFaults | null; objectRequestTimeoutMs: number },
  logger: { warn(obj: object, msg: string): void },
): ObjectStore {
  let store = openObjectStore(config.bucketUrl);
  if (config.storeFaults) {
    logger.warn(
      { storeFaults: describeStoreFaults(config.storeFaults) },
      "injecting object store faults",
    );
    store = new FaultInjectingObjectStore(store, config.storeFaults);
  }
  return withRequestDeadline(store, config.objectRequestTimeoutMs);
}

/** The default flush interval for a bucket: object PUTs to a local directory are cheap, to S3 not. */
export function defaultBatchTimeoutMs(bucketUrl: string): number {
  return bucketUrl.startsWith("file:") ? 20 : 250;
}
