import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { PlatformRecord } from "../platform/pid-file.ts";

export const repoRoot = resolve(fileURLToPath(import.meta.url), "../../..");

/** What `npm start` builds; done once so that each launch only hits the build cache. */
export function buildOnce(): void {
  const build = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
    cwd: repoRoot,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error("build failed");
}

export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "streambed-launcher-"));
  chmodSync(dir, 0o755); // embedded Postgres runs as `postgres` when we are root
  return dir;
}

export function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(false));
    server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
  });
}

export interface LauncherPorts {
  web: number;
  worker: number;
  kafka: number;
  agentHttp: number;
}

/** A random base in 20000-60000 whose ports (console, worker, 3 Kafka, 3 HTTP) are free. */
export async function freePorts(): Promise<LauncherPorts> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 4000) * 10;
    const ports = { web: base, worker: base + 1, kafka: base + 2, agentHttp: base + 5 };
    const all = [base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7];
    if ((await Promise.all(all.map(canListen))).every(Boolean)) return ports;
  }
}

export interface Launcher {
  process: ChildProcess;
  output(): string;
  /** Resolves when `pattern` appears in the output; rejects if the launcher exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | string>;
}

/** The real launcher (what `npm start` runs) with three agents. */
export function launch(dataDir: string, ports: LauncherPorts): Launcher {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      STREAMBED_DATA_DIR: dataDir,
      STREAMBED_WEB_PORT: String(ports.web),
      STREAMBED_WORKER_METRICS_PORT: String(ports.worker),
      STREAMBED_KAFKA_PORT: String(ports.kafka),
      STREAMBED_AGENT_HTTP_PORT: String(ports.agentHttp),
      STREAMBED_AGENTS: "3",
    },
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | string>((done) =>
    child.once("exit", (code, signal) => done(code ?? signal ?? -1)),
  );
  return {
    process: child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs = 600_000) {
      return new Promise((done, fail) => {
        const deadline = Date.now() + timeoutMs;
        const check = setInterval(() => {
          if (pattern.test(output)) {
            clearInterval(check);
            done();
          } else if (
            child.exitCode !== null ||
            child.signalCode !== null ||
            Date.now() > deadline
          ) {
            clearInterval(check);
            fail(new Error(`no ${pattern} in launcher output:\n${output}`));
          }
        }, 100);
      });
    },
  };
}

export function readRecord(dataDir: string): PlatformRecord {
  return JSON.parse(readFileSync(join(dataDir, "platform.pid"), "utf8")) as PlatformRecord;
}

export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
}

export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** The reaper of the launcher `launcherPid` (found by its command line). */
export function reaperPid(launcherPid: number): number | undefined {
  const out = spawnSync("pgrep", ["-f", `reaper.ts .* ${launcherPid}$`], { encoding: "utf8" });
  const pid = Number(out.stdout.trim().split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
