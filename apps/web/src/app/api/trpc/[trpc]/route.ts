import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getAuth } from "@/server/auth/instance";
import { createRequestContext } from "@/server/context";
import { prisma } from "@/server/db";
import { log } from "@/server/log";
import { appRouter } from "@/server/routers/app";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createRequestContext(getAuth(), prisma(), req.headers, req.url),
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        log.error({ err: error, path }, "tRPC procedure failed");
    },
  });
}

export { handler as GET, handler as POST };
