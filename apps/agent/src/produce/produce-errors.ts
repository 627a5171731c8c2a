/** Kafka error names a produce entry can be rejected with before it is buffered. */
export type ProduceValidationErrorCode =
  | "CORRUPT_MESSAGE"
  | "UNSUPPORTED_VERSION"
  | "MESSAGE_TOO_LARGE"
  | "INVALID_RECORD"
  | "RECORD_LIST_TOO_LARGE"
  | "INVALID_TIMESTAMP";

/** The records blob of a produce entry is not acceptable; the edge maps `code` to the Kafka error. */
export class ProduceValidationError extends Error {
  readonly code: ProduceValidationErrorCode;
  constructor(code: ProduceValidationErrorCode, message: string) {
    super(message);
    this.name = "ProduceValidationError";
    this.code = code;
  }
}

/**
 * A flush failed (object PUT or metadata commit): nothing of it was committed, so every producer
 * waiting on it may retry. Retriable; the edge answers KAFKA_STORAGE_ERROR (or REQUEST_TIMED_OUT).
 */
export class FlushFailedError extends Error {
  readonly retriable = true;
  readonly phase: "put" | "commit";
  constructor(phase: "put" | "commit", cause: unknown) {
    super(
      `flush failed during ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "FlushFailedError";
    this.phase = phase;
  }
}

/** The buffer is closing (graceful shutdown) and accepts no more appends. Retriable elsewhere. */
export class ProduceBufferClosedError extends Error {
  readonly retriable = true;
  constructor() {
    super("produce buffer is closed");
    this.name = "ProduceBufferClosedError";
  }
}
