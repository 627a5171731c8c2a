/**
 * An agent whose last heartbeat (agents.last_heartbeat_at) is older than this is not live: agents
 * leave it out of Metadata responses and the console stops listing it. Agents heartbeat every
 * second, so a live one is never near it.
 */
export const AGENT_LIVENESS_MS = 5000;
