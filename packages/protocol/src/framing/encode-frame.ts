import { encodeRequestHeader, encodeResponseHeader } from "../generated/apis.ts";
import type { RequestHeader } from "../generated/request-header.ts";
import { Writer } from "../primitives/writer.ts";

type BodyEncoder<T> = (w: Writer, msg: T, version: number) => void;

/** A complete response frame: size prefix, the response header the API version calls for, body. */
export function encodeResponseFrame<T>(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  encodeBody: BodyEncoder<T>,
  body: T,
  initialCapacity = 256,
): Buffer {
  const w = new Writer(initialCapacity);
  const sizeAt = w.reserveInt32();
  encodeResponseHeader(w, apiKey, apiVersion, correlationId);
  encodeBody(w, body, apiVersion);
  w.patchInt32(sizeAt, w.length - 4);
  return w.finish();
}

/** A complete request frame (for clients and tests). */
export function encodeRequestFrame<T>(
  header: RequestHeader,
  encodeBody: BodyEncoder<T>,
  body: T,
  initialCapacity = 256,
): Buffer {
  const w = new Writer(initialCapacity);
  const sizeAt = w.reserveInt32();
  encodeRequestHeader(w, header);
  encodeBody(w, body, header.requestApiVersion);
  w.patchInt32(sizeAt, w.length - 4);
  return w.finish();
}
