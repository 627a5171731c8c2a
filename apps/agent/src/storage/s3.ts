import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from "./object-store.ts";

export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ("" for none). */
  prefix: string;
  /** For S3-compatible stores (MinIO, R2, s3rver); omit for AWS. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Explicit credentials; otherwise the SDK's default chain (AWS_ACCESS_KEY_ID, profiles, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A request (PUT, GET...) taking longer fails, so a stalled store cannot hang producers. Default 30 s. */
  requestTimeoutMs?: number;
}

const DELETE_BATCH = 1000;

/** Objects in an S3 bucket (AWS or any S3-compatible store) through @aws-sdk/client-s3. */
export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix === "" ? "" : `${options.prefix}/`;
    this.location = `s3://${options.bucket}/${options.prefix}`;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Checksums only where S3 requires them: S3-compatible stores mis-handle the streaming
      // (aws-chunked) trailer checksums the SDK would otherwise add.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: {
        connectionTimeout: 5_000,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        throwOnRequestTimeout: true,
        // Flush PUTs and block GETs run in parallel; don't queue them behind a small socket pool.
        httpAgent: { keepAlive: true, maxSockets: 64 },
      },
    });
  }

  async put(key: string, body: Buffer | readonly Buffer[]): Promise<void> {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.concat(body);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: bytes,
        ContentLength: bytes.length,
      }),
    );
  }

  get(key: string): Promise<Buffer> {
    return this.read(key, undefined);
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    if (end <= start) return Buffer.alloc(0);
    try {
      return await this.read(key, `bytes=${start}-${end - 1}`);
    } catch (error) {
      // Range starting at or past the end of the object.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416)
        return Buffer.alloc(0);
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return { key, size: out.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of out.Contents ?? []) {
        if (o.Key !== undefined) yield { key: o.Key.slice(this.prefix.length), size: o.Size ?? 0 };
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: {
            Objects: keys.slice(i, i + DELETE_BATCH).map((k) => ({ Key: this.prefix + k })),
            Quiet: true,
          },
        }),
      );
      const failed = (out.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
      if (failed.length > 0) {
        throw new Error(
          `delete failed for ${failed.length} objects, first: ${failed[0]?.Key} ${failed[0]?.Code}`,
        );
      }
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async read(key: string, range: string | undefined): Promise<Buffer> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          ...(range ? { Range: range } : {}),
        }),
      );
      if (!out.Body) return Buffer.alloc(0);
      const bytes = await out.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" ||
      error.name === "NotFound" ||
      error.$metadata.httpStatusCode === 404)
  );
}
