import { usageDimensions, type UsageDimension } from "@streambed/db/usage-metering";
import { z } from "zod";

/** Events older than this are refused: the period they belong to has been invoiced. */
export const MAX_EVENT_AGE_MS = 35 * 24 * 3_600_000;
/** Clocks disagree a little; a window ending further in the future than this is a bug. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
export const MAX_EVENTS_PER_BATCH = 1000;
const MAX_QUANTITY = 2n ** 63n - 1n;

/** One measured window, as validated at the edge (organization not yet known). */
export interface UsageEventInput {
  idempotencyKey: string;
  clusterId: string;
  /** The agent id (or "control-plane"), taken from the idempotency key. */
  source: string;
  dimension: UsageDimension;
  windowStart: Date;
  windowSeconds: number;
  quantity: bigint;
}

/** A usage event ready to store: the organization is always the cluster's, from the database. */
export interface UsageEventRow extends UsageEventInput {
  organizationId: string;
}

const wireEvent = z.object({
  clusterId: z.string().min(1).max(200),
  dimension: z.enum(usageDimensions),
  windowStart: z.iso.datetime({ offset: true }),
  // Windows divide the hour, so none crosses an hour boundary once aligned (checked below).
  windowSeconds: z
    .number()
    .int()
    .positive()
    .refine((s) => 3600 % s === 0, "must divide 3600 (a window never crosses an hour)"),
  quantity: z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, "must be a non-negative integer as a decimal string"),
  idempotencyKey: z.string().min(1).max(500),
});

export const ingestBody = z.object({
  events: z.array(z.unknown()).max(MAX_EVENTS_PER_BATCH, `at most ${MAX_EVENTS_PER_BATCH} events`),
});

export interface EventProblem {
  index: number;
  problems: string[];
}

/** Parses one wire event; problems are phrased for the caller (field: what is wrong). */
export function parseUsageEvent(
  raw: unknown,
  now: Date,
): { ok: true; event: UsageEventInput } | { ok: false; problems: string[] } {
  const parsed = wireEvent.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`),
    };
  const e = parsed.data;
  const problems: string[] = [];
  const windowStart = new Date(e.windowStart);
  const startMs = windowStart.getTime();
  if (startMs % (e.windowSeconds * 1000) !== 0)
    problems.push(
      "windowStart: must be aligned to windowSeconds (a multiple of it since the epoch)",
    );
  if (startMs < now.getTime() - MAX_EVENT_AGE_MS)
    problems.push("windowStart: older than 35 days, too late to be accepted");
  if (startMs + e.windowSeconds * 1000 > now.getTime() + MAX_CLOCK_SKEW_MS)
    problems.push("windowStart: the window has not ended yet");
  const quantity = BigInt(e.quantity);
  if (quantity > MAX_QUANTITY) problems.push("quantity: larger than 2^63-1");
  const source = sourceOfKey(e.idempotencyKey, e.clusterId, e.dimension, windowStart);
  if (source === null)
    problems.push(
      "idempotencyKey: must be <clusterId>:<source>:<dimension>:<windowStart as ISO 8601 UTC>",
    );
  if (problems.length > 0 || source === null) return { ok: false, problems };
  return {
    ok: true,
    event: {
      idempotencyKey: e.idempotencyKey,
      clusterId: e.clusterId,
      source,
      dimension: e.dimension,
      windowStart,
      windowSeconds: e.windowSeconds,
      quantity,
    },
  };
}

/** The source part of a well-formed key for this event, or null. */
function sourceOfKey(
  key: string,
  clusterId: string,
  dimension: string,
  windowStart: Date,
): string | null {
  const prefix = `${clusterId}:`;
  const suffix = `:${dimension}:${windowStart.toISOString()}`;
  if (!key.startsWith(prefix) || !key.endsWith(suffix)) return null;
  const source = key.slice(prefix.length, key.length - suffix.length);
  return source.length > 0 && !source.includes(":") ? source : null;
}

/** Whether two events under the same key say the same thing. */
export function samePayload(a: UsageEventRow, b: UsageEventRow): boolean {
  return (
    a.organizationId === b.organizationId &&
    a.clusterId === b.clusterId &&
    a.source === b.source &&
    a.dimension === b.dimension &&
    a.windowStart.getTime() === b.windowStart.getTime() &&
    a.windowSeconds === b.windowSeconds &&
    a.quantity === b.quantity
  );
}
