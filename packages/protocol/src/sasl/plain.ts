import { SaslAuthorizationIdError, SaslMalformedMessageError } from "./errors.ts";

export interface PlainCredentials {
  /** Empty when the client did not ask for one (the usual case). */
  authzid: string;
  username: string;
  password: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a SASL/PLAIN message (RFC 4616: authzid NUL authcid NUL passwd), with Kafka's rules:
 * exactly three fields, non-empty username and password, and an authzid either empty or equal
 * to the username.
 */
export function parsePlainMessage(message: Uint8Array): PlainCredentials {
  let text: string;
  try {
    text = utf8.decode(message);
  } catch {
    throw new SaslMalformedMessageError("Invalid SASL/PLAIN response: not valid UTF-8");
  }
  const fields = text.split("\0");
  if (fields.length !== 3) {
    throw new SaslMalformedMessageError(
      `Invalid SASL/PLAIN response: expected 3 tokens, got ${fields.length}`,
    );
  }
  const [authzid, username, password] = fields as [string, string, string];
  if (username === "")
    throw new SaslMalformedMessageError("Authentication failed: username not specified");
  if (password === "")
    throw new SaslMalformedMessageError("Authentication failed: password not specified");
  if (authzid !== "" && authzid !== username) {
    throw new SaslAuthorizationIdError(
      "Authentication failed: Client requested an authorization id that is different from username",
    );
  }
  return { authzid, username, password };
}
