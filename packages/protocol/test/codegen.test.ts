import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGES_DIR, GENERATED_DIR, writeGenerated } from "../scripts/codegen.ts";

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
