import { prisma } from "@/server/db";
import { authenticateIngest } from "@/server/usage/ingest-auth";
import { ingestUsage } from "@/server/usage/ingest";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/usage/events: agents report closed usage windows (see server/usage/ingest.ts).
 * `Authorization: Bearer <agent key>` for dedicated agents, the deployment's ingest token for
 * shared ones.
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
  const outcome = await ingestUsage(prisma(), principal, body);
  return Response.json(outcome.body, { status: outcome.status });
}
