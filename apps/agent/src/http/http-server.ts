import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { AgentMetrics } from "./metrics.ts";
import type { PeerBlockRoute } from "./peer-block-route.ts";

export interface HttpServerDeps {
  metrics: AgentMetrics;
  logger: Logger;
  /** Resolves when the metadata store answers; rejects with the reason otherwise. */
  checkMetadataStore: () => Promise<void>;
  /** Static facts shown by /healthz. */
  identity: () => Record<string, unknown>;
  /** GET /blocks for the other agents of the zone; absent = 404. */
  peerBlocks?: Pick<PeerBlockRoute, "serve">;
}

/**
 * The agent's HTTP port: GET /healthz (JSON, 503 when the metadata store is unreachable),
 * GET /metrics, and GET /blocks (the peer block cache, agent to agent).
 */
export class AgentHttpServer {
  private readonly server: http.Server;

  constructor(private readonly deps: HttpServerDeps) {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        deps.logger.error({ err }, "http handler failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://agent");
    const path = url.pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") return this.healthz(res);
    if (path === "/blocks" && this.deps.peerBlocks)
      return this.deps.peerBlocks.serve(url, req, res);
    if (path === "/metrics") {
      const body = await this.deps.metrics.registry.metrics();
      res.writeHead(200, { "content-type": this.deps.metrics.registry.contentType }).end(body);
      return;
    }
    res
      .writeHead(404, { "content-type": "application/json" })
      .end(JSON.stringify({ error: "not found" }));
  }

  private async healthz(res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    let metadataStore: { ok: boolean; latencyMs: number; error?: string };
    try {
      await withTimeout(this.deps.checkMetadataStore(), 2000);
      metadataStore = { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      metadataStore = {
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: (err as Error).message,
      };
    }
    const body = {
      status: metadataStore.ok ? "ok" : "unavailable",
      ...this.deps.identity(),
      metadataStore,
    };
    res
      .writeHead(metadataStore.ok ? 200 : 503, { "content-type": "application/json" })
      .end(JSON.stringify(body));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
