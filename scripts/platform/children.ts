import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";

export interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Folder for `<name>.log`; output also goes to our stdout when `echo` is set. */
  logDir: string;
  echo?: boolean;
}

/**
 * Each child gets its own process group so that stopping it also stops whatever it spawned
 * (npx, next-server, ...), and a Ctrl-C in the terminal reaches only us: we stop children in order.
 */
const running = new Map<number, string>();
const listeners: (() => void)[] = [];
// Last resort when the launcher exits without stopping its children (an uncaught error, a
// second signal): nothing may outlive it.
process.on("exit", () => {
  for (const pid of running.keys()) signalGroup(pid, "SIGKILL");
});

/** The children running now (process group leaders), for the pid file. */
export function runningChildren(): { name: string; pid: number }[] {
  return [...running].map(([pid, name]) => ({ pid, name }));
}

/** Calls `listener` whenever a child starts or is gone. */
export function onChildrenChange(listener: () => void): void {
  listeners.push(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  opts: SpawnOptions,
): Child {
  mkdirSync(opts.logDir, { recursive: true });
  const log = createWriteStream(join(opts.logDir, `${name}.log`), { flags: "a" });
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      log.write(chunk);
      if (opts.echo) process.stdout.write(`[${name}] ${chunk.toString()}`);
    });
  }
  if (child.pid !== undefined) {
    running.set(child.pid, name);
    changed();
  }
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      log.end();
      // Whatever it spawned goes with it.
      if (child.pid !== undefined) {
        signalGroup(child.pid, "SIGKILL");
        running.delete(child.pid);
        changed();
      }
      resolve(code);
    });
  });
  return { name, process: child, exited };
}

export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  const pid = child.process.pid;
  if (pid === undefined) return;
  if (child.process.exitCode === null && child.process.signalCode === null) {
    signalGroup(pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
    await child.exited;
    clearTimeout(timer);
  }
  // The leader may exit before the rest of its group: make sure nothing is left behind.
  signalGroup(pid, "SIGKILL");
  if (running.delete(pid)) changed();
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
