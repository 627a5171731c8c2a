import { errorInfo } from "./error-codes.ts";

/**
 * An error that maps to a Kafka error code. Domain code throws it; the API handler at the edge
 * puts `code` (and, where the response has one, `message`) into the response.
 */
export class KafkaError extends Error {
  override readonly name = "KafkaError";
  readonly code: number;
  /** Kafka's name for the code, e.g. "NOT_COORDINATOR". */
  readonly errorName: string;
  readonly retriable: boolean;

  constructor(code: number, message?: string, options?: { cause?: unknown }) {
    const info = errorInfo(code);
    super(message ?? info.message, options);
    this.code = code;
    this.errorName = info.name;
    this.retriable = info.retriable;
  }
}
