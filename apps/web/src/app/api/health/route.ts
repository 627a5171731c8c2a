import { prisma } from "@/server/db";

export const dynamic = "force-dynamic";

/** Liveness plus a database round trip; 503 when Postgres does not answer. */
export async function GET() {
  const started = Date.now();
  try {
    await prisma().$queryRaw`SELECT 1`;
    return Response.json({ ok: true, db: { ok: true, latencyMs: Date.now() - started } });
  } catch (err) {
    return Response.json(
      { ok: false, db: { ok: false, error: err instanceof Error ? err.message : String(err) } },
      { status: 503 },
    );
  }
}
