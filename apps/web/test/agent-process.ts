import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const agentRoot = path.resolve(fileURLToPath(import.meta.url), "../../../agent");

export interface AgentProcess {
  bootstrap: string;
  stop(): Promise<void>;
}

/**
 * A real shared agent (apps/agent's CLI, as `npm start` runs it) on free ports, over a temporary
 * local-directory bucket; it registers in `agents`, where the console finds it.
 */
export async function startAgentProcess(databaseUrl: string): Promise<AgentProcess> {
  const bucket = await mkdtemp(path.join(tmpdir(), "streambed-web-bucket-"));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/main.ts",
      ...["--database-url", databaseUrl, "--bucket-url", pathToFileURL(bucket).href],
      ...["--kafka-port", "0", "--http-port", "0", "--advertised-host", "127.0.0.1"],
      ...["--batch-timeout-ms", "20", "--log-level", "info"],
    ],
    { cwd: agentRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const kafkaPort = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`agent did not start: ${stderr}`)), 30_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.includes('"agent started"'));
      if (!line) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { kafkaPort: number }).kafkaPort);
    });
    void exited.then(() => reject(new Error(`agent exited before starting: ${stderr}`)));
  });
  return {
    bootstrap: `127.0.0.1:${kafkaPort}`,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(bucket, { recursive: true, force: true });
    },
  };
}
