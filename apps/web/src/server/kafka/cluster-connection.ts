import { TRPCError } from "@trpc/server";
import type { PrismaClient } from "@streambed/db";
import { liveAgents } from "../clusters/live-agents.ts";
import { AgentConnection } from "./agent-connection.ts";
import { ensureConsoleCredential } from "./console-credential.ts";

/** The longest a console connection to an agent lives. */
const connectionLifetimeMs = 30_000;

/**
 * Runs `session` on a connection to one live agent of the cluster (one with `role`), authenticated
 * with the cluster's console credential; the connection is closed afterwards and when `signal`
 * aborts (the browser left the page).
 */
export async function withClusterConnection<T>(
  prisma: PrismaClient,
  options: { clusterId: string; role: "fetch" | "produce"; secret: string; signal: AbortSignal },
  session: (connection: AgentConnection) => Promise<T>,
): Promise<T> {
  const agents = (await liveAgents(prisma, options.clusterId)).filter(
    (a) => a.roles.length === 0 || a.roles.includes(options.role),
  );
  if (agents.length === 0)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "No agent of this cluster is running: start one to browse or produce messages",
    });
  // Any agent serves any partition; spreading the console's connections spreads its load.
  const agent = agents[Math.floor(Math.random() * agents.length)]!;
  const credential = await ensureConsoleCredential(prisma, options.clusterId, options.secret);
  const connection = await AgentConnection.open(
    { host: agent.host, port: agent.port },
    credential,
    // A hard stop too, for an agent that stops answering mid-request (reads check their own
    // time budget between Fetches).
    AbortSignal.any([options.signal, AbortSignal.timeout(connectionLifetimeMs)]),
  );
  try {
    return await session(connection);
  } finally {
    connection.close();
  }
}
