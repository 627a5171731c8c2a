import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  processStartTime,
  stillRuns,
  stopProcess,
  stopRecordedGroup,
  type RecordedProcess,
} from "./processes.ts";

/**
 * `<data dir>/platform.pid`: which launcher runs on the data dir and which processes it started,
 * kept current as children start and restart. The reaper reads it when the launcher dies; the
 * next start reads it to clear what a killed run left behind.
 */
export interface PlatformRecord {
  launcher: RecordedProcess;
  /** Data dir of the embedded Postgres (its postmaster.pid names the server), if one runs. */
  postgresDataDir: string | null;
  children: RecordedProcess[];
}

export function pidFilePath(dataDir: string): string {
  return join(dataDir, "platform.pid");
}

export function readPlatformRecord(file: string): PlatformRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PlatformRecord;
  } catch {
    return undefined;
  }
}

export function writePlatformRecord(file: string, record: PlatformRecord): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify(record, null, 2));
  renameSync(temp, file);
}

export function removePlatformRecord(file: string): void {
  rmSync(file, { force: true });
}

export function recorded(name: string, pid: number): RecordedProcess {
  return { name, pid, startTime: processStartTime(pid) };
}

function postmasterPid(postgresDataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(
      readFileSync(join(postgresDataDir, "postmaster.pid"), "utf8").split("\n")[0] ?? "",
      10,
    );
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops every process of a record, children first (agents flush while Postgres still runs), then
 * the embedded Postgres (fast shutdown). Returns what was still running.
 */
export async function stopRecordedPlatform(record: PlatformRecord): Promise<string[]> {
  const stopped: string[] = [];
  await Promise.all(
    record.children.map(async (child) => {
      if (await stopRecordedGroup(child, 10_000)) stopped.push(`${child.name} (pid ${child.pid})`);
    }),
  );
  const pgPid = record.postgresDataDir ? postmasterPid(record.postgresDataDir) : undefined;
  if (pgPid !== undefined && processStartTime(pgPid) !== undefined) {
    if (readFileSync(`/proc/${pgPid}/cmdline`, "utf8").includes("postgres")) {
      await stopProcess(pgPid, "SIGINT", 15_000);
      stopped.push(`postgres (pid ${pgPid})`);
    }
  }
  return stopped;
}

export class DataDirInUseError extends Error {
  override readonly name = "DataDirInUseError";
}

/**
 * Before starting on a data dir: fails if a live launcher runs on it; otherwise stops whatever a
 * previous launcher killed with SIGKILL (or by the OOM killer) left running, and says so.
 */
export async function clearLeftovers(dataDir: string, log: (line: string) => void): Promise<void> {
  const file = pidFilePath(dataDir);
  const previous = readPlatformRecord(file);
  if (!previous) return;
  if (previous.launcher.pid !== process.pid && stillRuns(previous.launcher)) {
    throw new DataDirInUseError(
      `another npm start (pid ${previous.launcher.pid}) runs on ${dataDir}; stop it (kill ${previous.launcher.pid}) or use another STREAMBED_DATA_DIR`,
    );
  }
  const stopped = await stopRecordedPlatform(previous);
  if (stopped.length > 0) log(`stopped leftovers of a previous run: ${stopped.join(", ")}`);
  removePlatformRecord(file);
}
