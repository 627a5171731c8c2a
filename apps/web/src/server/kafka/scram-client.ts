import { randomBytes, timingSafeEqual } from "node:crypto";
import type { SaslAuthenticateRequest } from "@streambed/protocol/generated/sasl-authenticate-request";
import type { SaslAuthenticateResponse } from "@streambed/protocol/generated/sasl-authenticate-response";
import type { SaslHandshakeRequest } from "@streambed/protocol/generated/sasl-handshake-request";
import type { SaslHandshakeResponse } from "@streambed/protocol/generated/sasl-handshake-response";
import { digest, hmac, saltedPassword, xor } from "@streambed/protocol/sasl/scram-crypto";

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const hash = "sha256";

interface Requester {
  request<T>(apiKey: number, version: number, body: unknown): Promise<T>;
}

/** RFC 5802 username escaping. */
function saslName(username: string): string {
  return username.replaceAll("=", "=3D").replaceAll(",", "=2C");
}

function attributes(message: string): Map<string, string> {
  return new Map(message.split(",").map((part) => [part.slice(0, 1), part.slice(2)]));
}

/** The client side of SCRAM-SHA-256 (the server side is the agent's), checking the server too. */
export async function authenticateWithScram(
  connection: Requester,
  username: string,
  password: string,
): Promise<void> {
  const handshake = await connection.request<SaslHandshakeResponse>(SASL_HANDSHAKE, 1, {
    mechanism: "SCRAM-SHA-256",
  } satisfies SaslHandshakeRequest);
  if (handshake.errorCode !== 0)
    throw new Error(`the agent refused SCRAM-SHA-256 (error ${handshake.errorCode})`);
  const step = async (message: string) => {
    const response = await connection.request<SaslAuthenticateResponse>(SASL_AUTHENTICATE, 2, {
      authBytes: Buffer.from(message),
    } satisfies SaslAuthenticateRequest);
    if (response.errorCode !== 0)
      throw new Error(
        response.errorMessage ?? `SASL authentication failed (${response.errorCode})`,
      );
    return response.authBytes.toString();
  };

  const clientFirstBare = `n=${saslName(username)},r=${randomBytes(18).toString("base64")}`;
  const serverFirst = await step(`n,,${clientFirstBare}`);
  const server = attributes(serverFirst);
  const nonce = server.get("r") ?? "";
  if (!nonce.startsWith(clientFirstBare.split(",r=")[1]!))
    throw new Error("the agent's SCRAM nonce does not extend ours");
  const salted = await saltedPassword(
    hash,
    password,
    Buffer.from(server.get("s") ?? "", "base64"),
    Number(server.get("i")),
  );
  const clientFinalBare = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalBare}`;
  const clientKey = hmac(hash, salted, "Client Key");
  const proof = xor(clientKey, hmac(hash, digest(hash, clientKey), authMessage));
  const serverFinal = attributes(await step(`${clientFinalBare},p=${proof.toString("base64")}`));
  const expected = hmac(hash, hmac(hash, salted, "Server Key"), authMessage);
  const signature = Buffer.from(serverFinal.get("v") ?? "", "base64");
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected))
    throw new Error("the agent's SCRAM signature is wrong");
}
