import type { PrismaClient } from "@streambed/db";
import { log } from "../log.ts";
import type { IngestPrincipal } from "./ingest-auth.ts";
import { storeUsageEvents } from "./store-usage-events.ts";
import {
  ingestBody,
  parseUsageEvent,
  type EventProblem,
  type UsageEventInput,
  type UsageEventRow,
} from "./usage-event.ts";

/** What the ingest endpoint answers: an HTTP status and a JSON body. */
export type IngestOutcome =
  | { status: 200; body: { accepted: number; duplicates: number } }
  | { status: 400; body: { error: string; events?: EventProblem[] } }
  | { status: 403; body: { error: string; events: EventProblem[] } }
  | { status: 409; body: { error: string; idempotencyKeys: string[] } };

/**
 * Validates a batch of usage events, fixes each one's organization (from the dedicated agent's
 * key, or else from the cluster's row: never from the body) and stores it. All or nothing: any
 * malformed, foreign or conflicting event rejects the whole batch.
 */
export async function ingestUsage(
  prisma: PrismaClient,
  principal: IngestPrincipal,
  body: unknown,
  now: Date = new Date(),
): Promise<IngestOutcome> {
  const envelope = ingestBody.safeParse(body);
  if (!envelope.success)
    return {
      status: 400,
      body: {
        error: envelope.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      },
    };

  const events: UsageEventInput[] = [];
  const malformed: EventProblem[] = [];
  envelope.data.events.forEach((raw, index) => {
    const parsed = parseUsageEvent(raw, now);
    if (parsed.ok) events.push(parsed.event);
    else malformed.push({ index, problems: parsed.problems });
  });
  if (malformed.length > 0)
    return { status: 400, body: { error: "malformed usage events", events: malformed } };

  const owners = await organizationsOf(prisma, principal, events);
  const foreign: EventProblem[] = [];
  const unknown: EventProblem[] = [];
  events.forEach((e, index) => {
    if (principal.kind === "dedicated" && e.clusterId !== principal.clusterId)
      foreign.push({ index, problems: ["clusterId: this agent key belongs to another cluster"] });
    else if (!owners.has(e.clusterId))
      unknown.push({ index, problems: ["clusterId: unknown cluster"] });
  });
  if (foreign.length > 0) {
    log.warn({ events: foreign }, "usage events for a cluster the agent key does not prove");
    return { status: 403, body: { error: "events for another cluster", events: foreign } };
  }
  if (unknown.length > 0)
    return { status: 400, body: { error: "usage events of unknown clusters", events: unknown } };

  const rows: UsageEventRow[] = events.map((e) => ({
    ...e,
    organizationId: owners.get(e.clusterId)!,
  }));
  const stored = await storeUsageEvents(prisma, rows);
  if (!stored.ok) {
    log.warn(
      { idempotencyKeys: stored.conflictingKeys },
      "usage events resent with another payload: batch refused",
    );
    return {
      status: 409,
      body: {
        error: "idempotency keys already stored with another payload",
        idempotencyKeys: stored.conflictingKeys,
      },
    };
  }
  return { status: 200, body: { accepted: stored.inserted, duplicates: stored.duplicates } };
}

/** Organization of each cluster the events name, as the database has it. */
async function organizationsOf(
  prisma: PrismaClient,
  principal: IngestPrincipal,
  events: readonly UsageEventInput[],
): Promise<Map<string, string>> {
  if (principal.kind === "dedicated")
    return new Map([[principal.clusterId, principal.organizationId]]);
  const clusterIds = [...new Set(events.map((e) => e.clusterId))];
  if (clusterIds.length === 0) return new Map();
  const clusters = await prisma.virtualCluster.findMany({
    where: { id: { in: clusterIds } },
    select: { id: true, organizationId: true },
  });
  return new Map(clusters.map((c) => [c.id, c.organizationId]));
}
