import { randomBytes } from "node:crypto";
import {
  SaslAuthorizationIdError,
  SaslInvalidCredentialsError,
  SaslMalformedMessageError,
  SaslStateError,
  ScramChannelBindingError,
  ScramNonceMismatchError,
} from "./errors.ts";
import {
  SCRAM_HASHES,
  verifyClientProof,
  type ScramHash,
  type ScramMechanism,
} from "./scram-crypto.ts";
import type { ScramVerifiers } from "./scram-verifiers.ts";

export interface ScramClientFirst {
  username: string;
  /** Null when the client sent none; otherwise equal to the username. */
  authzid: string | null;
  clientNonce: string;
  /** SCRAM extensions Kafka defines, e.g. `tokenauth=true` for delegation tokens. */
  extensions: Record<string, string>;
}

export type ScramServerState =
  "client-first" | "server-first" | "client-final" | "complete" | "failed";

export interface ScramServerOptions {
  /** Server part of the nonce; random by default. Fixed only to replay test vectors. */
  serverNonce?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
// printable ASCII except ',' (RFC 5802 "printable")
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const SASLNAME = /^(?:[^,=]|=2C|=3D)+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const EXTENSION = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/;

function text(message: Uint8Array | string): string {
  if (typeof message === "string") return message;
  try {
    return utf8.decode(message);
  } catch {
    throw new SaslMalformedMessageError("Invalid SCRAM message: not valid UTF-8");
  }
}

function decodeSaslName(value: string): string {
  if (!SASLNAME.test(value))
    throw new SaslMalformedMessageError("Invalid SCRAM message: invalid username");
  return value.replace(/=2C/g, ",").replace(/=3D/g, "=");
}

/** Splits "k=v,k=v" and checks the attribute names appear in the given order. */
function attributes(
  message: string,
  expected: readonly string[],
): { values: string[]; rest: string[] } {
  const parts = message.split(",");
  const values: string[] = [];
  for (const name of expected) {
    const part = parts.shift();
    if (part === undefined || !part.startsWith(`${name}=`)) {
      throw new SaslMalformedMessageError(`Invalid SCRAM message: expected attribute '${name}'`);
    }
    values.push(part.slice(name.length + 1));
  }
  return { values, rest: parts };
}

function base64(value: string, what: string): Buffer {
  if (!BASE64.test(value) || value.length % 4 !== 0) {
    throw new SaslMalformedMessageError(`Invalid SCRAM message: ${what} is not base64`);
  }
  return Buffer.from(value, "base64");
}

export function parseClientFirst(message: string): {
  gs2Header: string;
  bare: string;
  first: ScramClientFirst;
} {
  const [cbindFlag, authzidField, ...bareParts] = message.split(",");
  if (cbindFlag === "y" || cbindFlag?.startsWith("p=")) {
    throw new ScramChannelBindingError("Authentication failed: channel binding is not supported");
  }
  if (cbindFlag !== "n" || authzidField === undefined) {
    throw new SaslMalformedMessageError(
      "Invalid SCRAM client-first message: expected gs2 header 'n,,'",
    );
  }
  let authzid: string | null = null;
  if (authzidField !== "") {
    if (!authzidField.startsWith("a="))
      throw new SaslMalformedMessageError("Invalid SCRAM client-first message: bad authzid");
    authzid = decodeSaslName(authzidField.slice(2));
  }
  const bare = bareParts.join(",");
  if (bare.startsWith("m="))
    throw new SaslMalformedMessageError(
      "Invalid SCRAM client-first message: mandatory extensions are not supported",
    );
  const { values, rest } = attributes(bare, ["n", "r"]);
  const username = decodeSaslName(values[0]!);
  const clientNonce = values[1]!;
  if (!NONCE.test(clientNonce))
    throw new SaslMalformedMessageError("Invalid SCRAM client-first message: invalid nonce");
  const extensions: Record<string, string> = {};
  for (const part of rest) {
    const match = EXTENSION.exec(part);
    if (!match)
      throw new SaslMalformedMessageError("Invalid SCRAM client-first message: invalid extension");
    extensions[match[1]!] = match[2]!;
  }
  if (authzid !== null && authzid !== username) {
    throw new SaslAuthorizationIdError(
      "Authentication failed: Client requested an authorization id that is different from username",
    );
  }
  return {
    gs2Header: `${cbindFlag},${authzidField},`,
    bare,
    first: { username, authzid, clientNonce, extensions },
  };
}

/**
 * Server side of one SCRAM-SHA-256/512 exchange (RFC 5802, RFC 7677), checked against stored
 * verifiers. Steps, in order:
 *   receiveClientFirst(msg)  -> who is authenticating (look their verifiers up)
 *   serverFirst(verifiers)   -> server-first message to send
 *   receiveClientFinal(msg)  -> server-final message to send; the user is authenticated
 * Any failure throws a SaslAuthenticationError subclass and leaves the session "failed".
 */
export class ScramServerSession {
  readonly mechanism: ScramMechanism;
  private readonly hash: ScramHash;
  private readonly serverNonce: string;
  private currentState: ScramServerState = "client-first";
  private clientFirst: ScramClientFirst | null = null;
  private gs2Header = "";
  private clientFirstBare = "";
  private serverFirstMessage = "";
  private verifiers: ScramVerifiers | null = null;

  constructor(mechanism: ScramMechanism, options: ScramServerOptions = {}) {
    this.mechanism = mechanism;
    this.hash = SCRAM_HASHES[mechanism].hash;
    this.serverNonce = options.serverNonce ?? randomBytes(24).toString("base64");
  }

  get state(): ScramServerState {
    return this.currentState;
  }

  /** The authenticating user, once the client-first message is in. */
  get username(): string | null {
    return this.clientFirst?.username ?? null;
  }

  receiveClientFirst(message: Uint8Array | string): ScramClientFirst {
    return this.step("client-first", "server-first", () => {
      const { gs2Header, bare, first } = parseClientFirst(text(message));
      this.gs2Header = gs2Header;
      this.clientFirstBare = bare;
      this.clientFirst = first;
      return first;
    });
  }

  serverFirst(verifiers: ScramVerifiers): string {
    return this.step("server-first", "client-final", () => {
      if (verifiers.storedKey.length !== SCRAM_HASHES[this.mechanism].keyLength) {
        throw new SaslStateError(`stored verifiers do not belong to ${this.mechanism}`);
      }
      this.verifiers = verifiers;
      this.serverFirstMessage = `r=${this.clientFirst!.clientNonce}${this.serverNonce},s=${verifiers.salt.toString("base64")},i=${verifiers.iterations}`;
      return this.serverFirstMessage;
    });
  }

  receiveClientFinal(message: Uint8Array | string): string {
    return this.step("client-final", "complete", () => {
      const finalMessage = text(message);
      const proofAt = finalMessage.lastIndexOf(",p=");
      if (proofAt < 0)
        throw new SaslMalformedMessageError("Invalid SCRAM client-final message: missing proof");
      const withoutProof = finalMessage.slice(0, proofAt);
      const { values } = attributes(withoutProof, ["c", "r"]);
      if (base64(values[0]!, "channel binding").toString("latin1") !== this.gs2Header) {
        throw new ScramChannelBindingError(
          "Authentication failed: channel binding data does not match",
        );
      }
      // Kafka checks only that the nonce ends with the server-first one: librdkafka 2.0 sends its
      // client nonce in front of the full combined nonce, and Kafka brokers accept that.
      if (!values[1]!.endsWith(`${this.clientFirst!.clientNonce}${this.serverNonce}`)) {
        throw new ScramNonceMismatchError("Authentication failed: nonce mismatch");
      }
      const proof = base64(finalMessage.slice(proofAt + 3), "proof");
      const authMessage = `${this.clientFirstBare},${this.serverFirstMessage},${withoutProof}`;
      const serverSignature = verifyClientProof(this.hash, this.verifiers!, authMessage, proof);
      if (serverSignature === null)
        throw new SaslInvalidCredentialsError("Authentication failed: Invalid user credentials");
      return `v=${serverSignature.toString("base64")}`;
    });
  }

  private step<T>(expected: ScramServerState, next: ScramServerState, run: () => T): T {
    if (this.currentState !== expected) {
      throw new SaslStateError(`SCRAM exchange is at '${this.currentState}', not '${expected}'`);
    }
    try {
      const result = run();
      this.currentState = next;
      return result;
    } catch (error) {
      this.currentState = "failed";
      throw error;
    }
  }
}
