import { randomBytes } from "node:crypto";
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
} from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from "./object-store.ts";

const TEMP_MARKER = ".tmp-";

/**
 * Objects as files under a root directory (the embedded default). A put writes a temp file,
 * fsyncs it, renames it into place and fsyncs the directory, so a crash leaves either the whole
 * object or none of it, and an acknowledged object survives power loss.
 */
export class LocalDirObjectStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;
  /** Directories known to exist durably (created and their parent fsynced). */
  private readonly durableDirs = new Set<string>();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.location = pathToFileURL(this.root).href;
  }

  async put(key: string, body: Buffer | readonly Buffer[]): Promise<void> {
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    await this.ensureDir(dir);
    const temp = `${file}${TEMP_MARKER}${randomBytes(6).toString("hex")}`;
    const handle = await open(temp, "wx");
    try {
      await writeAll(handle, Buffer.isBuffer(body) ? [body] : body);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    await rename(temp, file);
    await fsyncDir(dir);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      throw notFoundOr(error, key);
    }
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(key), "r");
    } catch (error) {
      throw notFoundOr(error, key);
    }
    try {
      const buf = Buffer.allocUnsafe(Math.max(0, end - start));
      let filled = 0;
      while (filled < buf.length) {
        const { bytesRead } = await handle.read(buf, filled, buf.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buf.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return { key, size: s.size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Start at the deepest directory the prefix names; filter the rest by string prefix.
    const dirKey = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const keys: string[] = [];
    await collectKeys(path.join(this.root, dirKey), dirKey, keys);
    for (const key of keys.filter((k) => k.startsWith(prefix)).sort()) {
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    const segments = key.split("/");
    if (
      segments.some(
        (s) => s === "" || s === "." || s === ".." || s.includes(TEMP_MARKER) || s.includes("\\"),
      )
    ) {
      throw new Error(`invalid object key: ${JSON.stringify(key)}`);
    }
    return path.join(this.root, ...segments);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.durableDirs.has(dir)) return;
    const created = await mkdir(dir, { recursive: true });
    if (created !== undefined) {
      // Make every newly created directory entry durable, from the top one down to the root.
      for (let d = dir; d.length >= created.length && d !== path.dirname(d); d = path.dirname(d)) {
        await fsyncDir(path.dirname(d));
      }
    }
    this.durableDirs.add(dir);
  }
}

async function writeAll(handle: FileHandle, parts: readonly Buffer[]): Promise<void> {
  let pending = parts.filter((p) => p.length > 0);
  while (pending.length > 0) {
    let { bytesWritten } = await handle.writev(pending);
    const rest: Buffer[] = [];
    for (const part of pending) {
      if (bytesWritten >= part.length) {
        bytesWritten -= part.length;
      } else {
        rest.push(part.subarray(bytesWritten));
        bytesWritten = 0;
      }
    }
    pending = rest;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function collectKeys(dir: string, dirKey: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
    if (entry.isDirectory()) await collectKeys(path.join(dir, entry.name), key, out);
    else if (entry.isFile() && !entry.name.includes(TEMP_MARKER)) out.push(key);
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function notFoundOr(error: unknown, key: string): unknown {
  return isNotFound(error) ? new ObjectNotFoundError(key) : error;
}
