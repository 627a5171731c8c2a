import { randomBytes } from "node:crypto";
import type { AgentRegistration, LiveAgent } from "../metadata-store.ts";
import { named } from "./named-params.ts";
import { type AgentRow, type Queryable, toLiveAgent } from "./rows.ts";

export async function registerAgent(db: Queryable, agent: AgentRegistration): Promise<void> {
  const { text, values } = named(
    `INSERT INTO agents (id, cluster_id, host, port, http_port, zone, roles, version, started_at, last_heartbeat_at)
     VALUES (:id, :clusterId, :host, :port, :httpPort, :zone, :roles, :version, now(), now())
     ON CONFLICT (id) DO UPDATE SET cluster_id = EXCLUDED.cluster_id, host = EXCLUDED.host, port = EXCLUDED.port,
       http_port = EXCLUDED.http_port, zone = EXCLUDED.zone, roles = EXCLUDED.roles, version = EXCLUDED.version,
       started_at = now(), last_heartbeat_at = now()`,
    {
      id: agent.id,
      clusterId: agent.clusterId,
      host: agent.host,
      port: agent.port,
      httpPort: agent.httpPort,
      zone: agent.zone,
      roles: agent.roles,
      version: agent.version,
    },
  );
  await db.query(text, values);
}

export async function heartbeatAgent(db: Queryable, agentId: string): Promise<boolean> {
  const result = await db.query("UPDATE agents SET last_heartbeat_at = now() WHERE id = $1", [
    agentId,
  ]);
  return result.rowCount === 1;
}

export async function deregisterAgent(db: Queryable, agentId: string): Promise<void> {
  await db.query("DELETE FROM agents WHERE id = $1", [agentId]);
}

export async function liveAgents(
  db: Queryable,
  clusterId: string,
  maxAgeMs: number,
): Promise<LiveAgent[]> {
  const { rows } = await db.query<AgentRow>(
    `SELECT * FROM agents
     WHERE (cluster_id = $1 OR cluster_id IS NULL) AND last_heartbeat_at > now() - make_interval(secs => $2)
     ORDER BY id`,
    [clusterId, maxAgeMs / 1000],
  );
  return rows.map(toLiveAgent);
}

/** The named deployment secret; the first caller's random value wins, concurrent callers agree. */
export async function deploymentSecret(db: Queryable, name: string): Promise<string> {
  await db.query(
    "INSERT INTO deployment_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    [name, randomBytes(32).toString("base64url")],
  );
  const { rows } = await db.query<{ value: string }>(
    "SELECT value FROM deployment_secrets WHERE name = $1",
    [name],
  );
  return rows[0]!.value;
}
