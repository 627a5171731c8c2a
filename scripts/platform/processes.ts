import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * When `pid` started (clock ticks since boot, from /proc), to tell a process from a later one
 * that got the same pid; undefined when it does not run or there is no /proc.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export interface RecordedProcess {
  name: string;
  pid: number;
  /** processStartTime at the time it was recorded (undefined without /proc). */
  startTime?: string | undefined;
}

/** Whether the recorded process still runs (and is the same process, where /proc can tell). */
export function stillRuns(p: RecordedProcess): boolean {
  try {
    process.kill(p.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (p.startTime === undefined) return true;
  return processStartTime(p.pid) === p.startTime;
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Stops a recorded child and everything in its process group: SIGTERM, then SIGKILL after
 * `graceMs`. A group whose leader is gone is still ours (a pid is not reused while a group of
 * that id exists); a leader replaced by another process is left alone. Returns whether anything
 * was running.
 */
export async function stopRecordedGroup(p: RecordedProcess, graceMs: number): Promise<boolean> {
  const leaderRuns = stillRuns(p);
  if (!leaderRuns && (processStartTime(p.pid) !== undefined || !groupExists(p.pid))) return false;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-p.pid, s);
    } catch {
      // gone
    }
  };
  signal("SIGTERM");
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; await sleep(100)) {
    if (!groupExists(p.pid)) return true;
  }
  signal("SIGKILL");
  return true;
}

/** Signals one process and waits for it to go, escalating to SIGKILL after `graceMs`. */
export async function stopProcess(
  pid: number,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<void> {
  const alive = () => processStartTime(pid) !== undefined;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; await sleep(100)) {
    if (!alive()) return;
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone
  }
}

/** The process listening on a TCP port of this machine, from /proc (Linux); undefined if unknown. */
export function portHolder(port: number): { pid: number; command: string } | undefined {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN.
      if (cols[3] === "0A" && Number.parseInt(cols[1]?.split(":")[1] ?? "", 16) === port) {
        inodes.add(cols[9] ?? "");
      }
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of safeReaddir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    for (const fd of safeReaddir(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) {
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
        return { pid, command };
      }
    }
  }
  return undefined;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
