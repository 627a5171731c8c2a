import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ResponseQueue } from "./response-queue.ts";

describe("ResponseQueue", () => {
  it("writes in reservation order whatever the completion order, skipping null slots", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 30 })
          .chain((n) =>
            fc.tuple(
              fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
              fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            ),
          ),
        ([completionOrder, silent]) => {
          const written: number[] = [];
          const queue = new ResponseQueue((frame) => written.push(frame.readInt32BE(0)));
          const fills = completionOrder.map(() => queue.reserve());
          for (const i of completionOrder) {
            const frame = Buffer.alloc(4);
            frame.writeInt32BE(i);
            fills[i]!(silent[i] ? null : frame);
          }
          expect(written).toEqual([...completionOrder.keys()].filter((i) => !silent[i]));
          expect(queue.pending).toBe(0);
        },
      ),
    );
  });

  it("ignores a second fill of the same slot", () => {
    const written: Buffer[] = [];
    const queue = new ResponseQueue((frame) => written.push(frame));
    const fill = queue.reserve();
    fill(Buffer.from("a"));
    fill(Buffer.from("b"));
    expect(written.map(String)).toEqual(["a"]);
  });
});
