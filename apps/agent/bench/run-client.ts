import { spawn } from "node:child_process";

/**
 * Runs a client to its end and returns its stdout. `onStarted` is called when it prints the line
 * "started" (the clients do right before their timed part), so start-up is not counted as run cost.
 */
export function runClient(
  command: string,
  args: string[],
  onStarted?: () => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      // Whole output: the line may arrive in pieces.
      if (onStarted && /(^|\n)started\n/.test(out)) {
        onStarted();
        onStarted = undefined;
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${command} exited with ${code}: ${err.slice(-1000)}`)),
    );
  });
}
