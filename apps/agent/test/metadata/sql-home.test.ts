import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "../../src");
const sqlHome = "metadata/postgres/";
/** A string or template literal that starts like a SQL statement. */
const sqlLiteral = /["'`]\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\s/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

// Every statement the agent runs lives behind MetadataStore, so another backend is one folder.
describe("the agent's SQL", () => {
  it(`appears only under src/${sqlHome}`, () => {
    const outside = sourceFiles(src)
      .map((path) => relative(src, path))
      .filter((path) => !path.startsWith(sqlHome))
      .flatMap((path) =>
        readFileSync(join(src, path), "utf8")
          .split("\n")
          .flatMap((line, i) =>
            sqlLiteral.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [],
          ),
      );
    expect(outside).toEqual([]);
  });

  it("is found by the check", () => {
    expect(sqlLiteral.test('await db.query("SELECT 1")')).toBe(true);
    expect(sqlLiteral.test("`WITH locked AS (")).toBe(true);
    expect(sqlLiteral.test('"Selected topics"')).toBe(false);
  });
});
