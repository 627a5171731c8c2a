import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const clientsDir = path.resolve(fileURLToPath(import.meta.url), "../../clients");

/** Runs a client program to completion; rejects with its stderr on a non-zero exit. */
export function runClient(
  command: string,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${path.basename(command)} ${args.join(" ")} exited with ${code ?? signal}: ${stderr.slice(-2000)}`,
          ),
        );
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Runs one of the Python client scripts with Debian's python3 (which has kafka-python and confluent-kafka). */
export async function runPythonClient<T>(
  script: string,
  args: string[],
  timeoutMs = 90_000,
): Promise<T> {
  const out = await runClient("/usr/bin/python3", [path.join(clientsDir, script), ...args], {
    timeoutMs,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}
