/**
 * Raised for any malformed or truncated input. Decoders never throw anything else on bad bytes,
 * so a connection handler can catch this one type and close only the offending connection.
 */
export class DecodeError extends Error {
  override readonly name = "DecodeError";

  constructor(
    message: string,
    /** Byte offset in the decoded buffer where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}
