import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type AddressInfo } from "node:net";
import {
  DataDirInUseError,
  EmbeddedPostgresStartError,
  PostgresUserAccessError,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from "../src/embedded.ts";
import { isAlive } from "../src/embedded/server-process.ts";

let root: string;
const running: EmbeddedPostgres[] = [];
const leftBehind = new Set<number>(); // processes a failing test could leave running

async function start(dataDir: string, port?: number): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({ dataDir, port, initdbFlags: ["--no-sync"] });
  running.push(server);
  return server;
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  return Number.parseInt(
    (await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]!,
    10,
  );
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "streambed-embedded-test-"));
  await chmod(root, 0o755);
});

afterAll(async () => {
  for (const server of running) await server.stop();
  for (const pid of leftBehind) if (isAlive(pid)) process.kill(pid, "SIGKILL");
  await rm(root, { recursive: true, force: true });
});

// Each test starts real servers (some in child processes): allow for a loaded machine.
describe("startEmbeddedPostgres", { timeout: 90_000 }, () => {
  it("initialises a new data dir, keeps data across stop/start, and stops cleanly", async () => {
    const dataDir = path.join(root, "nested", "persist");
    const first = await start(dataDir);
    expect(first.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/streambed$/);
    await query(first.url, "CREATE TABLE kept (v TEXT); INSERT INTO kept VALUES ('hello')");
    const pid = await postmasterPid(dataDir);
    await first.stop();
    await first.stop(); // idempotent
    expect(isAlive(pid)).toBe(false);

    const second = await start(dataDir, first.port);
    expect(second.port).toBe(first.port);
    expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "hello" }]);
    await second.stop();
  });

  it("fails with the server's log when the requested port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const start = startEmbeddedPostgres({
        dataDir: path.join(root, "port-taken"),
        port,
        initdbFlags: ["--no-sync"],
      });
      await expect(start).rejects.toBeInstanceOf(EmbeddedPostgresStartError);
      await expect(start).rejects.toThrow(/could not bind|Address already in use/);
    } finally {
      blocker.close();
    }
  });

  it("stop() settles even when the server already died", async () => {
    const dataDir = path.join(root, "died");
    const server = await start(dataDir);
    process.kill(await postmasterPid(dataDir), "SIGKILL");
    await server.stop();
  });

  it.runIf(process.getuid?.() === 0)(
    "as root, names the directory the postgres user cannot enter",
    async () => {
      const locked = path.join(root, "locked");
      await mkdir(locked, { mode: 0o700 });
      await chmod(locked, 0o700);
      const start = startEmbeddedPostgres({ dataDir: path.join(locked, "data") });
      await expect(start).rejects.toBeInstanceOf(PostgresUserAccessError);
      await expect(start).rejects.toThrow(`chmod o+x ${locked}`);
    },
  );

  it("refuses a data dir that a live process is still using", async () => {
    const dataDir = path.join(root, "busy");
    const server = await start(dataDir);
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
    await server.stop();
  });

  it("shuts down a server orphaned by a SIGKILLed parent before starting again", async () => {
    const dataDir = path.join(root, "orphan");
    const { child, url } = await startInChild(dataDir);
    await query(url, "CREATE TABLE survived (v INT); INSERT INTO survived VALUES (1)");
    const orphan = await postmasterPid(dataDir);
    leftBehind.add(orphan);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    leftBehind.delete(child.pid!);
    expect(isAlive(orphan)).toBe(true);

    const restarted = await start(dataDir);
    expect(isAlive(orphan)).toBe(false);
    leftBehind.delete(orphan);
    expect(await query(restarted.url, "SELECT v FROM survived")).toEqual([{ v: 1 }]);
    await restarted.stop();
  });

  it("stops the server when its process exits without calling stop(), keeping the exit code", async () => {
    const dataDir = path.join(root, "exit");
    const { child } = await startInChild(dataDir);
    const pid = await postmasterPid(dataDir);
    leftBehind.add(pid);
    const exitCode = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.write("exit\n");
    expect(await exitCode).toBe(3);
    leftBehind.delete(child.pid!);
    for (let i = 0; i < 200 && isAlive(pid); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
    leftBehind.delete(pid);
  });
});

async function startInChild(
  dataDir: string,
): Promise<{ child: ChildProcessByStdio<Writable, Readable, null>; url: string }> {
  const fixture = fileURLToPath(new URL("./fixtures/start-embedded.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", fixture, dataDir], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  leftBehind.add(child.pid!);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  return { child, url };
}
