import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isAlive, killIfStillRunning, waitForExit } from "./server-process.ts";

/** Thrown when another live process still runs Postgres on the data dir. */
export class DataDirInUseError extends Error {
  override readonly name = "DataDirInUseError";
}

// Which process started the server on this data dir; lets a later start tell an orphaned
// server (its starter was killed with SIGKILL) from one another process is still using.
const OWNER_FILE = "streambed-owner.pid";

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, "utf8")).split("\n")[0] ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the Postgres server running on `dataDir`, per its postmaster.pid lock file. */
export function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  return readPid(path.join(dataDir, "postmaster.pid"));
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).includes("postgres");
  } catch {
    return process.platform !== "linux"; // no /proc: trust postmaster.pid
  }
}

/**
 * Before starting on an existing data dir: a Postgres still running there whose starter process
 * is gone is an orphan (its starter was SIGKILLed) and is shut down; one whose starter is alive
 * belongs to someone else and makes us fail instead of fighting over the data dir.
 */
export async function stopOrphanedServer(dataDir: string): Promise<void> {
  const postmasterPid = await readPostmasterPid(dataDir);
  if (postmasterPid === undefined || !isAlive(postmasterPid) || !(await isPostgres(postmasterPid)))
    return;
  const ownerPid = await readPid(path.join(dataDir, OWNER_FILE));
  if (ownerPid !== undefined && isAlive(ownerPid)) {
    throw new DataDirInUseError(
      `Postgres (pid ${postmasterPid}) already runs on ${dataDir}, started by process ${ownerPid}. ` +
        `Stop that process, or point DATABASE_URL at its server instead.`,
    );
  }
  process.kill(postmasterPid, "SIGINT"); // fast shutdown: roll back open transactions, checkpoint
  if (!(await waitForExit(postmasterPid, 15_000))) await killIfStillRunning(postmasterPid);
}

export async function recordOwner(dataDir: string): Promise<void> {
  await writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
}
