// Kafka error codes a SaslAuthenticate / SaslHandshake response carries for these failures.
const SASL_AUTHENTICATION_FAILED = 58;
const ILLEGAL_SASL_STATE = 34;

/**
 * Authentication failed. The message is safe to return to the client (Kafka puts it in the
 * SaslAuthenticate response's error message); it never includes secrets.
 */
export class SaslAuthenticationError extends Error {
  override readonly name: string = "SaslAuthenticationError";
  readonly errorCode: number = SASL_AUTHENTICATION_FAILED;
}

/** The client's message does not follow the mechanism's grammar. */
export class SaslMalformedMessageError extends SaslAuthenticationError {
  override readonly name = "SaslMalformedMessageError";
}

/** Wrong password (PLAIN) or a client proof that does not verify (SCRAM). */
export class SaslInvalidCredentialsError extends SaslAuthenticationError {
  override readonly name = "SaslInvalidCredentialsError";
}

/** The client asked to act as an authorization identity other than its own user. */
export class SaslAuthorizationIdError extends SaslAuthenticationError {
  override readonly name = "SaslAuthorizationIdError";
}

/** SCRAM client-final nonce differs from the one the server sent. */
export class ScramNonceMismatchError extends SaslAuthenticationError {
  override readonly name = "ScramNonceMismatchError";
}

/** The client requires channel binding, which a Kafka listener does not offer. */
export class ScramChannelBindingError extends SaslAuthenticationError {
  override readonly name = "ScramChannelBindingError";
}

/** A step of the exchange was called out of order (or after it failed or completed). */
export class SaslStateError extends Error {
  override readonly name = "SaslStateError";
  readonly errorCode = ILLEGAL_SASL_STATE;
}
