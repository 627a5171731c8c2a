import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ulid } from "ulid";

const AGENT_ID_FILE = "agent-id";

/**
 * The agent id kept in the usage spool directory: created on first start, the same after every
 * restart, so resent windows carry the same idempotency keys as the first attempt.
 */
export async function persistentAgentId(dir: string): Promise<string> {
  const path = join(dir, AGENT_ID_FILE);
  const existing = (await readFile(path, "utf8").catch(() => "")).trim();
  if (existing !== "") return existing;
  await mkdir(dir, { recursive: true });
  const id = ulid();
  await writeFile(path, `${id}\n`, { flush: true });
  return id;
}
