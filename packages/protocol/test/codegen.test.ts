import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGES_DIR, GENERATED_DIR, writeGenerated } from "../scripts/codegen.ts";
import { parseVersions, stripJsonComments } from "../scripts/codegen/definitions.ts";

const haveDefinitions = existsSync(DEFAULT_MESSAGES_DIR);
if (!haveDefinitions) {
  console.warn(`codegen.test skipped: no Kafka message definitions at ${DEFAULT_MESSAGES_DIR}`);
}

const tsFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();

describe.skipIf(!haveDefinitions)("generated codecs", () => {
  it("match a fresh generation from the definitions (else run `npm run codegen`)", () => {
    const out = mkdtempSync(join(tmpdir(), "streambed-codegen-"));
    try {
      writeGenerated(DEFAULT_MESSAGES_DIR, out);
      expect(tsFiles(GENERATED_DIR)).toEqual(tsFiles(out));
      const stale = tsFiles(out).filter(
        (f) => readFileSync(join(out, f), "utf8") !== readFileSync(join(GENERATED_DIR, f), "utf8"),
      );
      expect(stale).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("definition parsing", () => {
  it("strips // comments but keeps // inside strings (escaped quotes included)", () => {
    const text = `{ // comment
      "about": "see http://kafka.apache.org // not a comment", // trailing
      "q": "say \\"//\\" here" }`;
    expect(JSON.parse(stripJsonComments(text))).toEqual({
      about: "see http://kafka.apache.org // not a comment",
      q: 'say "//" here',
    });
  });

  it("parses version specs", () => {
    expect(parseVersions("3+")).toEqual({ min: 3, max: Infinity });
    expect(parseVersions("0-8")).toEqual({ min: 0, max: 8 });
    expect(parseVersions("4")).toEqual({ min: 4, max: 4 });
    expect(parseVersions("none")).toBeNull();
    expect(() => parseVersions("x")).toThrow(/bad version spec/);
  });
});
