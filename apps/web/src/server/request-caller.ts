import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { getAuth } from "./auth/instance.ts";
import { createRequestContext } from "./context.ts";
import { prisma } from "./db.ts";
import { appRouter } from "./routers/app.ts";
import { createCallerFactory } from "./trpc.ts";

const createCaller = createCallerFactory(appRouter);

/**
 * The tRPC API called from a plain route handler (downloads, REST): same session, same
 * authorization middleware as the console's calls.
 */
export async function callerForRequest(req: Request) {
  return createCaller(await createRequestContext(getAuth(), prisma(), req.headers, req.url));
}

/** A tRPC error as a JSON response with its HTTP status; anything else is rethrown. */
export function errorResponse(err: unknown): Response {
  if (!(err instanceof TRPCError)) throw err;
  return Response.json({ error: err.message }, { status: getHTTPStatusCodeFromError(err) });
}
