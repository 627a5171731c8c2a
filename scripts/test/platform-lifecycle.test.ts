import { rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildOnce,
  canListen,
  freePorts,
  isRunning,
  launch,
  postmasterPid,
  readRecord,
  reaperPid,
  tempDataDir,
  type Launcher,
  type LauncherPorts,
} from "./launcher.ts";

const READY = /Streambed is running/;
let dataDir: string;
let ports: LauncherPorts;
const launched: Launcher[] = [];

beforeAll(async () => {
  buildOnce();
  dataDir = tempDataDir();
  ports = await freePorts();
});

afterAll(async () => {
  for (const l of launched) {
    if (l.process.exitCode === null && l.process.signalCode === null) l.process.kill("SIGTERM");
    await l.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function start(): Launcher {
  const l = launch(dataDir, ports);
  launched.push(l);
  return l;
}

const healthy = (port: number) =>
  fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

async function allGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids;
  while ((left = pids.filter(isRunning)).length > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  return left;
}

async function portsFree(): Promise<number[]> {
  const all = [ports.web, ports.worker, ports.kafka, ports.kafka + 1, ports.kafka + 2];
  const taken = [];
  for (const p of [...all, ports.agentHttp, ports.agentHttp + 1, ports.agentHttp + 2])
    if (!(await canListen(p))) taken.push(p);
  return taken;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
    socket.once("timeout", () => {
      socket.destroy();
      done(false);
    });
  });
}

describe("npm start", () => {
  it("serves the console on loopback only by default", async () => {
    const launcher = start();
    await launcher.waitFor(READY);
    expect(await accepts("127.0.0.1", ports.web)).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal);
    expect(external, "a non-loopback IPv4 address to probe").toBeDefined();
    expect(await accepts(external!.address, ports.web)).toBe(false);
  });

  it("restarts a SIGKILLed agent with backoff while the other agents keep serving", async () => {
    const launcher = launched[0]!;
    const victim = readRecord(dataDir).children.find((c) => c.name === "agent-1")!;
    process.kill(victim.pid, "SIGKILL");

    let othersDown = 0;
    const watching = setInterval(() => {
      void Promise.all([healthy(ports.agentHttp), healthy(ports.agentHttp + 2)]).then((ok) => {
        if (!ok.every(Boolean)) othersDown++;
      });
    }, 200);
    await launcher.waitFor(/agent-1 exited \(killed by SIGKILL\); restarting in 1\.0 s/, 10_000);
    await launcher.waitFor(/agent-1 restarted \(pid \d+\) and serves again/, 60_000);
    clearInterval(watching);

    expect(othersDown).toBe(0);
    expect(await healthy(ports.agentHttp + 1)).toBe(true);
    expect(launcher.process.exitCode).toBeNull();
    const restarted = readRecord(dataDir).children.find((c) => c.name === "agent-1")!;
    expect(restarted.pid).not.toBe(victim.pid);
  });

  it("stops every child and Postgres when the launcher is killed with SIGKILL", async () => {
    const launcher = launched[0]!;
    const pids = [...readRecord(dataDir).children.map((c) => c.pid), postmasterPid(dataDir)];
    expect(pids.filter(isRunning)).toHaveLength(pids.length);
    launcher.process.kill("SIGKILL");
    expect(await allGone(pids, 30_000)).toEqual([]);
    expect(await portsFree()).toEqual([]);
  });

  it("clears what a run killed with its reaper left behind, and names a foreign port holder", async () => {
    const first = start();
    await first.waitFor(READY);
    const pids = [...readRecord(dataDir).children.map((c) => c.pid), postmasterPid(dataDir)];
    const reaper = reaperPid(first.process.pid!);
    expect(reaper).toBeDefined();
    process.kill(reaper!, "SIGKILL");
    first.process.kill("SIGKILL");
    await first.exited;
    await new Promise((r) => setTimeout(r, 1000));
    expect(pids.filter(isRunning)).toHaveLength(pids.length); // orphans hold the ports

    const second = start();
    await second.waitFor(/stopped leftovers of a previous run: .*agent-0.*postgres/, 120_000);
    await second.waitFor(READY);
    expect(pids.filter(isRunning)).toEqual([]);
    second.process.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(await portsFree()).toEqual([]);

    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(ports.kafka + 1, "127.0.0.1", r));
    try {
      const third = start();
      expect(await third.exited).toBe(1);
      expect(third.output()).toContain(
        `port ${ports.kafka + 1} (agent-1 Kafka, STREAMBED_KAFKA_PORT) is held by pid ${process.pid}`,
      );
    } finally {
      squatter.close();
    }
  });
});
