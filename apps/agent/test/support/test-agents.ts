import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pino } from "pino";
import { startAgent, type RunningAgent } from "../../src/agent.ts";
import { parseConfig, type AgentConfig } from "../../src/config.ts";

const agentRoot = path.resolve(fileURLToPath(import.meta.url), "../../..");

/** A temporary local-directory bucket, removed by `remove()`. */
export async function tempBucket(): Promise<{ url: string; dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "streambed-bucket-"));
  return {
    url: pathToFileURL(dir).href,
    dir,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Flags for an agent on free ports; `extra` overrides. */
function agentArgs(options: {
  databaseUrl: string;
  bucketUrl: string;
  clusterId: string;
  extra?: string[];
}): string[] {
  return [
    "--database-url",
    options.databaseUrl,
    "--bucket-url",
    options.bucketUrl,
    "--cluster-id",
    options.clusterId,
    "--kafka-port",
    "0",
    "--http-port",
    "0",
    "--log-level",
    process.env.STREAMBED_TEST_LOG_LEVEL ?? "warn",
    ...(options.extra ?? []),
  ];
}

export interface TestAgent extends RunningAgent {
  bootstrap: string;
  config: AgentConfig;
}

/** An agent in this process (parsed from the same flags `npm run agent` takes). */
export async function startTestAgent(options: {
  databaseUrl: string;
  bucketUrl: string;
  clusterId: string;
  extra?: string[];
}): Promise<TestAgent> {
  const parsed = parseConfig(agentArgs(options), {});
  if (parsed.help) throw new Error("unreachable");
  const logger = pino({ level: parsed.config.logLevel });
  const agent = await startAgent(parsed.config, logger);
  return { ...agent, bootstrap: `127.0.0.1:${agent.kafkaPort}`, config: parsed.config };
}

export interface ChildAgent {
  process: ChildProcess;
  kafkaPort: number;
  httpPort: number;
  bootstrap: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * An agent as a child process (node --import tsx src/main.ts), for crash tests. Its ports are read from the
 * "agent started" log line.
 */
export async function startChildAgent(options: {
  databaseUrl: string;
  bucketUrl: string;
  clusterId: string;
  extra?: string[];
  /** Added to this process's environment (e.g. libfaketime's, for a skewed clock). */
  env?: NodeJS.ProcessEnv;
}): Promise<ChildAgent> {
  const args = agentArgs({ ...options, extra: ["--log-level", "info", ...(options.extra ?? [])] });
  // Node itself with tsx's loader (not the tsx CLI, which runs the agent in a grandchild that a
  // SIGKILL of the CLI would leave running).
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: agentRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const ports = await new Promise<{ kafkaPort: number; httpPort: number }>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(
      () => reject(new Error(`child agent did not start: ${stderr}`)),
      // tsx compiles the agent at every start: slow on a busy two-core CI machine.
      60_000,
    );
    child.stdout!.on("data", (d: Buffer) => {
      buffered += d.toString();
      for (const line of buffered.split("\n")) {
        if (!line.includes('"agent started"')) continue;
        clearTimeout(timer);
        const entry = JSON.parse(line) as { kafkaPort: number; httpPort: number };
        resolve({ kafkaPort: entry.kafkaPort, httpPort: entry.httpPort });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child agent exited (${code}) before starting: ${stderr}`));
    });
  });
  return {
    process: child,
    ...ports,
    bootstrap: `127.0.0.1:${ports.kafkaPort}`,
    exited,
    kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
