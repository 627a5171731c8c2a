/**
 * Hand-assembled byte vectors, written from the Kafka protocol guide rather than from our
 * generator, for the flexible-version rules KafkaJS cannot check (compact types, tagged fields,
 * header v2 with its non-compact client id), plus the version rules of the encoders.
 */
import { describe, expect, it } from "vitest";
import {
  UnsupportedFieldError,
  decodeApiVersionsResponse,
  decodeMetadataRequest,
  decodeRequestHeader,
  defaultApiVersionsResponse,
  defaultFindCoordinatorResponse,
  defaultMetadataRequest,
  encodeApiVersionsResponse,
  encodeFindCoordinatorResponse,
  encodeMetadataRequest,
} from "../src/index.ts";
import { Reader } from "../src/primitives/reader.ts";
import { Writer } from "../src/primitives/writer.ts";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const encode = <T>(fn: (w: Writer, m: T, v: number) => void, msg: T, version: number) => {
  const w = new Writer();
  fn(w, msg, version);
  return w.finish();
};

describe("flexible versions on the wire", () => {
  it("decodes a Metadata v12 request after a v2 request header", () => {
    const frame = hex(`
      0003 000c 00000007 0002 6362 00
      02 e9e6c6a4ff2e4c6a9f5bf3b2a3c4d5e6 07 6f7264657273 00
      01 00 00`);
    const r = new Reader(frame);
    expect(decodeRequestHeader(r)).toMatchObject({
      requestApiKey: 3,
      requestApiVersion: 12,
      correlationId: 7,
      clientId: "cb",
    });
    expect(decodeMetadataRequest(r, 12)).toMatchObject({
      topics: [{ topicId: "e9e6c6a4-ff2e-4c6a-9f5b-f3b2a3c4d5e6", name: "orders" }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    expect(r.remaining()).toBe(0);
  });

  it("encodes a null array as compact length 0, and as int32 -1 before flexible versions", () => {
    const msg = { ...defaultMetadataRequest(), topics: null };
    expect(encode(encodeMetadataRequest, msg, 12)).toEqual(hex("00 01 00 00"));
    expect(encode(encodeMetadataRequest, msg, 3)).toEqual(hex("ffffffff"));
  });

  it("writes known tagged fields in tag order and keeps unknown ones", () => {
    const msg = {
      ...defaultApiVersionsResponse(),
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
      finalizedFeaturesEpoch: 5n,
      unknownTaggedFields: [{ tag: 9, data: hex("abcd") }],
    };
    const bytes = encode(encodeApiVersionsResponse, msg, 3);
    expect(bytes).toEqual(
      hex(`0000 02 0012 0000 0004 00 00000000
           02 01 08 0000000000000005 09 02 abcd`),
    );
    const decoded = decodeApiVersionsResponse(new Reader(bytes), 3);
    expect(decoded.finalizedFeaturesEpoch).toBe(5n);
    expect(decoded.unknownTaggedFields).toEqual([{ tag: 9, data: hex("abcd") }]);
    expect(encode(encodeApiVersionsResponse, decoded, 3)).toEqual(bytes);
  });
});

describe("version rules when encoding", () => {
  it("drops ignorable fields a version lacks but rejects non-ignorable ones that are set", () => {
    const v4Shape = { ...defaultFindCoordinatorResponse(), throttleTimeMs: 10 };
    expect(encode(encodeFindCoordinatorResponse, v4Shape, 0)).toEqual(
      hex("0000 00000000 0000 00000000"),
    );
    const v0Shape = { ...defaultFindCoordinatorResponse(), nodeId: 3, host: "h", port: 9092 };
    expect(() => encode(encodeFindCoordinatorResponse, v0Shape, 4)).toThrow(UnsupportedFieldError);
    expect(() => encode(encodeFindCoordinatorResponse, v0Shape, 4)).toThrow(
      "FindCoordinatorResponse.NodeId is set but version 4 cannot carry it",
    );
  });

  it("rejects null in a version where the field is not nullable", () => {
    const msg = { ...defaultMetadataRequest(), topics: null };
    expect(() => encode(encodeMetadataRequest, msg, 0)).toThrow(/must not be null/);
  });
});
