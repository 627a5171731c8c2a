import { z } from "zod";

/**
 * Which faults a fault-injecting object store injects, each as a probability per request.
 * Written as `seed=7,error_rate=0.1,latency_ms=200` (STREAMBED_STORE_FAULTS, --store-faults).
 */
export interface StoreFaults {
  seed: number;
  /** The request fails without reaching the store: 500 InternalError, 503 SlowDown or a timeout. */
  errorRate: number;
  /** The request is delayed by about `latencyMs` (0.5x to 1.5x) before it reaches the store. */
  latencyRate: number;
  latencyMs: number;
  /** The request never answers; only the caller's deadline ends it. */
  stallRate: number;
  /** A read answers with only a prefix of the bytes asked for (a torn body). */
  tornReadRate: number;
  /** A PUT is stored but its answer is lost: the caller sees a timeout for a written object. */
  lostPutRate: number;
  /** The requests faults apply to (`ops=put+getRange`); all of them by default. */
  operations: readonly StoreOperation[];
}

export const storeOperations = ["put", "get", "getRange", "head", "list", "delete"] as const;
export type StoreOperation = (typeof storeOperations)[number];

const rate = z.coerce.number().min(0).max(1);

const schema = z
  .object({
    seed: z.coerce.number().int().min(0).max(0xffffffff).default(1),
    error_rate: rate.default(0),
    // Latency spikes on every request when only latency_ms is given.
    latency_rate: rate.optional(),
    latency_ms: z.coerce.number().int().min(0).default(0),
    stall_rate: rate.default(0),
    torn_read_rate: rate.default(0),
    lost_put_rate: rate.default(0),
    ops: z
      .string()
      .default(storeOperations.join("+"))
      .transform((v) => v.split("+").map((o) => o.trim()))
      .pipe(z.array(z.enum(storeOperations)).min(1)),
  })
  .strict()
  .transform((f): StoreFaults => ({
    seed: f.seed,
    errorRate: f.error_rate,
    latencyRate: f.latency_ms === 0 ? 0 : (f.latency_rate ?? 1),
    latencyMs: f.latency_ms,
    stallRate: f.stall_rate,
    tornReadRate: f.torn_read_rate,
    lostPutRate: f.lost_put_rate,
    operations: f.ops,
  }));

export class StoreFaultsSyntaxError extends Error {
  override readonly name = "StoreFaultsSyntaxError";
}

/** Parses `name=value,name=value`; throws StoreFaultsSyntaxError naming every problem. */
export function parseStoreFaults(text: string): StoreFaults {
  const pairs: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim())) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0)
      throw new StoreFaultsSyntaxError(`expected name=value, got ${JSON.stringify(part)}`);
    pairs[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const parsed = schema.safeParse(pairs);
  if (!parsed.success) {
    throw new StoreFaultsSyntaxError(
      parsed.error.issues
        .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
        .join("; "),
    );
  }
  return parsed.data;
}

/** One line for logs and banners, e.g. "seed 7: 10% errors (500/503/timeout), 100% latency ~200 ms". */
export function describeStoreFaults(f: StoreFaults): string {
  const percent = (r: number) => `${Number((r * 100).toFixed(2))}%`;
  const parts = [
    f.errorRate > 0 && `${percent(f.errorRate)} errors (500/503/timeout)`,
    f.latencyRate > 0 && `${percent(f.latencyRate)} latency ~${f.latencyMs} ms`,
    f.stallRate > 0 && `${percent(f.stallRate)} stalls`,
    f.tornReadRate > 0 && `${percent(f.tornReadRate)} torn reads`,
    f.lostPutRate > 0 && `${percent(f.lostPutRate)} PUTs stored but answer lost`,
    f.operations.length < storeOperations.length && `on ${f.operations.join("/")} only`,
  ].filter((p): p is string => typeof p === "string");
  return `seed ${f.seed}: ${parts.length > 0 ? parts.join(", ") : "no faults"}`;
}
