import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  LOAD_MS,
  TIMEOUT,
  firstAckAfter,
  judge,
  killAgents,
  objectRequestFailures,
  sleep,
  useFaultScenarioHooks,
  startScenario,
} from "./scenario-support.ts";

const db = useFaultScenarioHooks();

/** Writes zeros into `file` until the file system has no space left. */
async function fillUp(file: string): Promise<void> {
  const handle = await open(file, "w");
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    await handle.close();
  }
}

/** Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as CI is). */
function canMountTmpfs(): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), "streambed-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "ignore" });
    execFileSync("umount", [dir]);
    return true;
  } catch {
    console.warn("[fault scenario] disk-full skipped: mounting a tmpfs needs root");
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("fault scenario", () => {
  // A small file system of its own needs a tmpfs mount.
  it.runIf(canMountTmpfs())(
    "the local store's disk fills up mid-load and is freed: sends wait unacknowledged meanwhile, nothing acknowledged is lost",
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "streambed-disk-full-"));
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", dir]);
      try {
        const { slots, load } = await startScenario(db.url, "disk-full", [], {
          bucketUrl: pathToFileURL(dir).href,
        });
        await sleep(LOAD_MS / 3);
        const filler = path.join(dir, "filler");
        await fillUp(filler);
        const fullAt = load.history.now();
        await sleep(LOAD_MS / 3);
        // Sends wait (the clients retry) while nothing can be written: none is acknowledged.
        const ackedWhileFull = load.ackTimes.filter((t) => t > fullAt + 1000).length;
        const failedPuts = await objectRequestFailures(slots);
        await rm(filler);
        const freedAt = load.history.now();
        const recoveryMs = await firstAckAfter(load, freedAt);
        await sleep(LOAD_MS / 3);
        await load.finish();
        await judge("disk-full", load, recoveryMs);
        console.log(
          `[fault scenario] disk-full: ${failedPuts} object writes failed while full, ${ackedWhileFull} sends acknowledged`,
        );
        expect(failedPuts).toBeGreaterThan(0);
        expect(ackedWhileFull).toBe(0);
        expect(recoveryMs).toBeLessThan(10_000);
      } finally {
        await killAgents();
        execFileSync("umount", ["-l", dir]);
        await rm(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
