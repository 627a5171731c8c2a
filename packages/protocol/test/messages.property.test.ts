import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGES_DIR } from "../scripts/codegen.ts";
import { loadMessages } from "../scripts/codegen/definitions.ts";
import { Reader } from "../src/primitives/reader.ts";
import { Writer } from "../src/primitives/writer.ts";
import { codecsOf, messageArbitrary } from "./message-arbitraries.ts";

const haveDefinitions = existsSync(DEFAULT_MESSAGES_DIR);
if (!haveDefinitions) {
  console.warn(`message property tests skipped: no definitions at ${DEFAULT_MESSAGES_DIR}`);
}
const messages = haveDefinitions ? loadMessages(DEFAULT_MESSAGES_DIR) : [];

describe.skipIf(!haveDefinitions)("every message round-trips at every valid version", () => {
  for (const message of messages) {
    it(message.name, () => {
      const { encode, decode } = codecsOf(message);
      for (let v = message.validVersions.min; v <= message.validVersions.max; v++) {
        fc.assert(
          fc.property(messageArbitrary(message, v), (msg) => {
            const w = new Writer(64);
            encode(w, msg, v);
            const bytes = w.finish();
            const r = new Reader(bytes);
            const decoded = decode(r, v);
            expect(r.remaining()).toBe(0);
            expect(decoded).toEqual(msg);
            const again = new Writer(64);
            encode(again, decoded, v);
            expect(again.finish()).toEqual(bytes);
          }),
          { numRuns: 25 },
        );
      }
    });
  }
});
