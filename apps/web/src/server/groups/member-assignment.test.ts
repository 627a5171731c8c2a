import { describe, expect, it } from "vitest";
import { encodeConsumerProtocolAssignment } from "@streambed/protocol/generated/consumer-protocol-assignment";
import { Writer } from "@streambed/protocol/primitives/writer";
import { decodeMemberAssignment } from "./member-assignment.ts";

function stored(
  version: number,
  assignedPartitions: { topic: string; partitions: number[] }[],
): string {
  const w = new Writer();
  w.int16(version);
  encodeConsumerProtocolAssignment(w, { assignedPartitions, userData: null }, version);
  return w.finish().toString("base64");
}

describe("decodeMemberAssignment", () => {
  it("reads the partitions of a consumer-protocol assignment", () => {
    expect(
      decodeMemberAssignment(
        stored(0, [
          { topic: "orders", partitions: [2, 0] },
          { topic: "clicks", partitions: [1] },
        ]),
      ),
    ).toEqual([
      { topic: "orders", partitions: [0, 2] },
      { topic: "clicks", partitions: [1] },
    ]);
    expect(decodeMemberAssignment(stored(3, []))).toEqual([]);
  });

  it("returns nothing for other protocols or garbage", () => {
    expect(decodeMemberAssignment("")).toEqual([]);
    expect(decodeMemberAssignment(null)).toEqual([]);
    expect(decodeMemberAssignment(Buffer.from([0, 0, 0, 0, 0, 9]).toString("base64"))).toEqual([]);
  });
});
