import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** One `prisma/migrations/<timestamp>_<name>/migration.sql`. */
export interface MigrationFile {
  /** Directory name, e.g. "20261126100000_init" (Prisma's `migration_name`). */
  name: string;
  sql: string;
  /** sha256 (hex) of the file's bytes, as Prisma stores it in `_prisma_migrations.checksum`. */
  checksum: string;
}

export const DEFAULT_MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../prisma/migrations",
);

function sha256Hex(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Whether `file` is what was applied with `checksum`. Like Prisma, a file whose only change is
 * its line endings (git autocrlf) still matches.
 */
export function matchesChecksum(file: MigrationFile, checksum: string): boolean {
  if (file.checksum === checksum) return true;
  const lf = file.sql.replaceAll("\r\n", "\n");
  return sha256Hex(lf) === checksum || sha256Hex(lf.replaceAll("\n", "\r\n")) === checksum;
}

/** The migrations of `dir` in the order they apply (their names start with a timestamp). */
export async function readMigrationFiles(
  dir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const bytes = await readFile(path.join(dir, name, "migration.sql")).catch(() => undefined);
    if (bytes === undefined) continue; // not a migration (Prisma skips these too)
    files.push({ name, sql: bytes.toString("utf8"), checksum: sha256Hex(bytes) });
  }
  return files;
}
