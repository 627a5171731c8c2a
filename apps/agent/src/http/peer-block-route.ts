import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import type { BlockCache } from "../fetch/block-cache.ts";
import { ObjectNotFoundError, clusterOfObjectKey } from "../storage/object-store.ts";

/** Name of the deployment secret agents present to each other's block route. */
export const PEER_TOKEN_SECRET = "peer-blocks";

/** Counters of blocks this agent was asked for as their owner; prom-client Counters fit. */
export interface PeerBlockServeMetrics {
  served: { inc(value?: number): void };
  /** Requests turned away because too many were being served. */
  rejected: { inc(value?: number): void };
}

export interface PeerBlockRouteOptions {
  blocks: Pick<BlockCache, "ownedBlock" | "blockSize">;
  /**
   * The deployment's peer token (MetadataStore.deploymentSecret): blocks hold any tenant's
   * records, so only agents, which share the metadata store, may read them.
   */
  token: string;
  /** The one cluster a dedicated agent serves (only its objects are served); null = shared agent. */
  clusterId: string | null;
  /** Requests served at once; more get 503 and their agent reads the object store. Default 32. */
  maxConcurrent?: number;
  metrics?: PeerBlockServeMetrics;
}

/**
 * GET /blocks?key=<objectKey>&block=<n>&size=<blockSize> with `Authorization: Bearer <peer
 * token>`: a block this agent owns, from its block cache (read from the object store once), for
 * the other agents of its zone. Only object keys of the `<clusterId>/<kind>/<ulid>` shape are
 * served, never arbitrary paths.
 */
export class PeerBlockRoute {
  private readonly options: PeerBlockRouteOptions;
  private readonly maxConcurrent: number;
  private readonly tokenDigest: Buffer;
  private active = 0;

  constructor(options: PeerBlockRouteOptions) {
    this.options = options;
    this.maxConcurrent = options.maxConcurrent ?? 32;
    this.tokenDigest = digest(`Bearer ${options.token}`);
  }

  async serve(url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(req.headers.authorization ?? ""), this.tokenDigest)) {
      res.setHeader("www-authenticate", "Bearer");
      return answer(res, 401, "a peer token is required");
    }
    const key = url.searchParams.get("key") ?? "";
    const block = url.searchParams.get("block") ?? "";
    const size = url.searchParams.get("size") ?? String(this.options.blocks.blockSize);
    const cluster = clusterOfObjectKey(key);
    if (
      cluster === undefined ||
      (this.options.clusterId !== null && cluster !== this.options.clusterId)
    ) {
      return answer(
        res,
        400,
        "key must be an object key <clusterId>/<kind>/<ulid> of a cluster this agent serves",
      );
    }
    if (!/^\d{1,12}$/.test(block)) return answer(res, 400, "block must be a block index");
    if (size !== String(this.options.blocks.blockSize))
      return answer(res, 400, `this agent's blocks are ${this.options.blocks.blockSize} bytes`);
    if (this.active >= this.maxConcurrent) {
      this.options.metrics?.rejected.inc();
      res.setHeader("retry-after", "1");
      return answer(res, 503, "too many block requests");
    }
    this.active++;
    try {
      const bytes = await this.options.blocks.ownedBlock(key, Number(block));
      this.options.metrics?.served.inc();
      res
        .writeHead(200, {
          "content-type": "application/octet-stream",
          "content-length": bytes.length,
        })
        .end(bytes);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return answer(res, 404, "object not found");
      return answer(res, 502, `object store read failed: ${(err as Error).message}`);
    } finally {
      this.active--;
    }
  }
}

function answer(res: http.ServerResponse, status: number, error: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error }));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
