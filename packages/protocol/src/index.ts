export { DecodeError } from "./primitives/decode-error.ts";
export { Reader } from "./primitives/reader.ts";
export { Writer } from "./primitives/writer.ts";
export { ZERO_UUID, formatUuid, isUuid } from "./primitives/uuid.ts";

export {
  COMPRESSION_TYPES,
  CompressionError,
  UncompressedSizeError,
  compressionTypeFromId,
  compressionTypeId,
} from "./compression/codec.ts";
export type { CompressionCodec, CompressionType } from "./compression/codec.ts";
export { compress, compressionCodec, decompress } from "./compression/codecs.ts";
export {
  declaredUncompressedLength,
  uncompressedLengthBound,
} from "./compression/declared-length.ts";
export {
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  parseBatchHeader,
  patchBaseOffset,
  patchPartitionLeaderEpoch,
} from "./records/batch-header.ts";
export type { BatchAttributes, RecordBatchHeader, TimestampType } from "./records/batch-header.ts";
export { computeBatchCrc, verifyBatchCrc } from "./records/batch-crc.ts";
export { readBatch, splitBatches } from "./records/split-batches.ts";
export type { RecordBatchView, SplitBatches } from "./records/split-batches.ts";
export { iterateRecords } from "./records/record.ts";
export type { BatchRecord, RecordHeader } from "./records/record.ts";
export { decompressRecords, records } from "./records/read-records.ts";
export { buildRecordBatch } from "./records/build-batch.ts";
export type { BuildRecordBatchOptions, RecordInput } from "./records/build-batch.ts";
export {
  SaslAuthenticationError,
  SaslAuthorizationIdError,
  SaslInvalidCredentialsError,
  SaslMalformedMessageError,
  SaslStateError,
  ScramChannelBindingError,
  ScramNonceMismatchError,
} from "./sasl/errors.ts";
export { parsePlainMessage } from "./sasl/plain.ts";
export type { PlainCredentials } from "./sasl/plain.ts";
export type { ScramMechanism } from "./sasl/scram-crypto.ts";
export { ScramServerSession } from "./sasl/scram-server.ts";
export type {
  ScramClientFirst,
  ScramServerOptions,
  ScramServerState,
} from "./sasl/scram-server.ts";
export {
  MAX_SCRAM_ITERATIONS,
  MIN_SCRAM_ITERATIONS,
  deriveScramVerifiers,
  fromStoredScramVerifiers,
  scramVerifiersFromSaltedPassword,
  toStoredScramVerifiers,
} from "./sasl/scram-verifiers.ts";
export type { ScramVerifiers, StoredScramVerifiers } from "./sasl/scram-verifiers.ts";
export type { RawTaggedField } from "./primitives/generated-support.ts";
export { UnsupportedFieldError } from "./primitives/generated-support.ts";
export * from "./generated/index.ts";
export { DEFAULT_MAX_FRAME_SIZE, FrameDecoder, FrameSizeError } from "./framing/frame-decoder.ts";
export type { FrameDecoderOptions } from "./framing/frame-decoder.ts";
export { encodeRequestFrame, encodeResponseFrame } from "./framing/encode-frame.ts";
export { ErrorCode, KAFKA_ERRORS, errorInfo, isRetriable } from "./errors/error-codes.ts";
export type { ErrorName, KafkaErrorInfo } from "./errors/error-codes.ts";
export { KafkaError } from "./errors/kafka-error.ts";
