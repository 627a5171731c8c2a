export { DecodeError } from "./primitives/decode-error.ts";
export { Reader } from "./primitives/reader.ts";
export { Writer } from "./primitives/writer.ts";
export { ZERO_UUID, formatUuid, isUuid } from "./primitives/uuid.ts";
export type { RawTaggedField } from "./primitives/generated-support.ts";
export * from "./generated/index.ts";
