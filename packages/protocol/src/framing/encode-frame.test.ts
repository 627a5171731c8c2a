import { describe, expect, it } from "vitest";
import {
  ApiKey,
  decodeApiVersionsRequest,
  decodeApiVersionsResponse,
  defaultApiVersionsResponse,
  encodeApiVersionsResponse,
  requestHeaderVersion,
  responseHeaderVersion,
  decodeMetadataResponse,
  decodeRequestHeader,
  decodeResponseHeader,
  defaultMetadataResponse,
  encodeApiVersionsRequest,
  encodeMetadataResponse,
} from "../generated/index.ts";
import { Reader } from "../primitives/reader.ts";
import { encodeRequestFrame, encodeResponseFrame } from "./encode-frame.ts";
import { FrameDecoder } from "./frame-decoder.ts";

describe("encodeRequestFrame / encodeResponseFrame", () => {
  it("frames a flexible request with header v2 that decodes back", () => {
    const bytes = encodeRequestFrame(
      { requestApiKey: ApiKey.ApiVersions, requestApiVersion: 3, correlationId: 9, clientId: "c" },
      encodeApiVersionsRequest,
      { clientSoftwareName: "sb", clientSoftwareVersion: "1" },
    );
    const [payload] = new FrameDecoder().push(bytes);
    const r = new Reader(payload!);
    expect(decodeRequestHeader(r)).toMatchObject({
      requestApiKey: 18,
      correlationId: 9,
      clientId: "c",
    });
    expect(decodeApiVersionsRequest(r, 3)).toMatchObject({ clientSoftwareName: "sb" });
    expect(r.remaining()).toBe(0);
  });

  it("frames a response with the header version its API version calls for", () => {
    const body = { ...defaultMetadataResponse(), clusterId: "c1" };
    const bytes = encodeResponseFrame(ApiKey.Metadata, 12, 7, encodeMetadataResponse, body);
    expect(bytes.readInt32BE(0)).toBe(bytes.length - 4);
    const r = new Reader(bytes, 4);
    expect(decodeResponseHeader(r, ApiKey.Metadata, 12)).toMatchObject({ correlationId: 7 });
    expect(decodeMetadataResponse(r, 12)).toMatchObject({ clusterId: "c1" });
    expect(r.remaining()).toBe(0);
    // Metadata v12 is flexible: header v1 ends with an empty tagged-field section.
    expect(bytes[8]).toBe(0);
  });

  it("uses response header v0 for ApiVersions even in flexible versions", () => {
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    expect(responseHeaderVersion(ApiKey.Metadata, 9)).toBe(1);
    expect(responseHeaderVersion(ApiKey.Metadata, 8)).toBe(0);
    expect(requestHeaderVersion(ApiKey.ControlledShutdown, 0)).toBe(0);
    const bytes = encodeResponseFrame(ApiKey.ApiVersions, 3, 5, encodeApiVersionsResponse, {
      ...defaultApiVersionsResponse(),
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }],
    });
    const r = new Reader(bytes, 4);
    expect(r.int32()).toBe(5);
    expect(decodeApiVersionsResponse(r, 3).apiKeys).toEqual([
      { apiKey: 18, minVersion: 0, maxVersion: 4 },
    ]);
  });
});
