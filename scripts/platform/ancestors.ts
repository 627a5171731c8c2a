import { readFileSync } from "node:fs";
import { processStartTime, stillRuns, type RecordedProcess } from "./processes.ts";

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function isShell(pid: number): boolean {
  try {
    return ["sh", "dash", "bash"].includes(readFileSync(`/proc/${pid}/comm`, "utf8").trim());
  } catch {
    return false;
  }
}

/**
 * The processes whose death means we should stop: our parent and, under `npm start`, npm itself.
 * npm runs us through a `sh -c` that waits for us, so a kill -9 of npm would leave our parent
 * (that shell) alive and us running without anyone to stop us.
 */
export function launcherAncestors(env: NodeJS.ProcessEnv): RecordedProcess[] {
  const parent = process.ppid;
  const ancestors: RecordedProcess[] = [
    { name: "parent", pid: parent, startTime: processStartTime(parent) },
  ];
  const grandparent = env.npm_lifecycle_event && isShell(parent) ? parentOf(parent) : undefined;
  if (grandparent !== undefined && grandparent > 1)
    ancestors.push({ name: "npm", pid: grandparent, startTime: processStartTime(grandparent) });
  return ancestors;
}

/** Calls `onGone` once, when one of `ancestors` no longer runs (checked every `intervalMs`). */
export function watchAncestors(
  ancestors: RecordedProcess[],
  onGone: (gone: RecordedProcess) => void,
  intervalMs = 500,
): void {
  const timer = setInterval(() => {
    const gone = ancestors.find((a) => !stillRuns(a));
    if (gone) {
      clearInterval(timer);
      onGone(gone);
    }
  }, intervalMs);
  timer.unref();
}
