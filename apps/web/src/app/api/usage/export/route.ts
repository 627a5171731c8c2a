import { getAuth } from "@/server/auth/instance";
import { createRequestContext } from "@/server/context";
import { prisma } from "@/server/db";
import { usageExportResponse } from "@/server/usage/usage-export";

export const dynamic = "force-dynamic";

/** CSV of the usage pages, for the signed-in member (session cookie). */
export async function GET(request: Request) {
  const ctx = await createRequestContext(getAuth(), prisma(), request.headers, request.url);
  return usageExportResponse(ctx, new URL(request.url).searchParams);
}
