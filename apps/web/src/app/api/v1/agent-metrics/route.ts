import { prisma } from "@/server/db";
import { ingestClusterMetrics } from "@/server/cluster-metrics/ingest-cluster-metrics";
import { authenticateIngest } from "@/server/usage/ingest-auth";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/agent-metrics: agents report each window's per-cluster figures for the console's
 * charts, authenticated as for usage ingest (agent key, or the deployment's ingest token).
 */
export async function POST(request: Request) {
  const principal = await authenticateIngest(prisma(), request.headers.get("authorization"));
  if (!principal)
    return Response.json({ error: "invalid or missing bearer token" }, { status: 401 });
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ error: "body is not JSON" }, { status: 400 });
  }
  const outcome = await ingestClusterMetrics(prisma(), principal, body);
  return Response.json(outcome.body, { status: outcome.status });
}
