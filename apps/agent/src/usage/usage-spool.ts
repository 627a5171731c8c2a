import { mkdir, open, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import { usageDimensions } from "@streambed/db";
import { z } from "zod";
import type { UsageEvent } from "./usage-event.ts";

const SPOOL_FILE = "usage-events.jsonl";
const LAST_WINDOW_FILE = "last-window";

const spooledEvent = z.object({
  clusterId: z.string(),
  dimension: z.enum(usageDimensions),
  windowStart: z.string(),
  windowSeconds: z.number(),
  quantity: z.string(),
  idempotencyKey: z.string(),
});

/**
 * Closed usage windows not yet acknowledged by the control plane, in a local JSON-lines file:
 * appended and fsynced when a window closes (so a SIGKILL loses at most the open window),
 * rewritten without the acknowledged events (write, fsync, rename: never half a file). A restarted
 * agent with the same id reads it back and resends; the idempotency keys make resends harmless.
 */
export class UsageSpool {
  private readonly events = new Map<string, UsageEvent>();
  /** File operations run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    /** Start of the last window this agent closed (ms), across restarts; null if none. */
    public lastWindowStart: number | null,
  ) {}

  static async open(dir: string): Promise<UsageSpool> {
    await mkdir(dir, { recursive: true });
    const last = await readFile(join(dir, LAST_WINDOW_FILE), "utf8").catch(() => "");
    const spool = new UsageSpool(dir, last.trim() === "" ? null : Number(last.trim()));
    const text = await readFile(join(dir, SPOOL_FILE), "utf8").catch(() => "");
    for (const line of text.split("\n")) {
      // A torn last line (killed mid-append) is the open window's: lost, as promised.
      const parsed = spooledEvent.safeParse(safeJson(line));
      if (parsed.success) spool.events.set(parsed.data.idempotencyKey, parsed.data);
    }
    return spool;
  }

  /** Unacknowledged events, oldest first. */
  pending(): UsageEvent[] {
    return [...this.events.values()];
  }

  get size(): number {
    return this.events.size;
  }

  /** Durably records a closed window's events (and that the window is closed). */
  append(events: readonly UsageEvent[], windowStart: number): Promise<void> {
    for (const e of events) this.events.set(e.idempotencyKey, e);
    this.lastWindowStart = windowStart;
    const lines = events.map((e) => `${JSON.stringify(e)}\n`).join("");
    return this.run(async () => {
      if (lines !== "") await writeSynced(join(this.dir, SPOOL_FILE), lines, "a");
      await replaceSynced(join(this.dir, LAST_WINDOW_FILE), String(windowStart));
    });
  }

  /** Forgets acknowledged (or refused) events and compacts the file. */
  acknowledge(keys: Iterable<string>): Promise<void> {
    for (const key of keys) this.events.delete(key);
    return this.run(() =>
      replaceSynced(
        join(this.dir, SPOOL_FILE),
        this.pending()
          .map((e) => `${JSON.stringify(e)}\n`)
          .join(""),
      ),
    );
  }

  private run(operation: () => Promise<void>): Promise<void> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function writeSynced(path: string, text: string, flags: "a" | "w"): Promise<void> {
  const file = await open(path, flags);
  try {
    await file.writeFile(text);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** Replaces the file atomically: a crash leaves the old content or the new, never a mix. */
async function replaceSynced(path: string, text: string): Promise<void> {
  await writeSynced(`${path}.tmp`, text, "w");
  await rename(`${path}.tmp`, path);
}
