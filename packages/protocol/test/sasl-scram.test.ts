import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { SaslAuthenticationError } from "../src/sasl/errors.ts";
import {
  SaslAuthorizationIdError,
  SaslInvalidCredentialsError,
  SaslMalformedMessageError,
  SaslStateError,
  ScramChannelBindingError,
  ScramNonceMismatchError,
} from "../src/sasl/errors.ts";
import {
  saltedPassword,
  verifiersFromSaltedPassword,
  verifyClientProof,
  type ScramMechanism,
} from "../src/sasl/scram-crypto.ts";
import { ScramServerSession } from "../src/sasl/scram-server.ts";
import {
  deriveScramVerifiers,
  fromStoredScramVerifiers,
  toStoredScramVerifiers,
  type ScramVerifiers,
} from "../src/sasl/scram-verifiers.ts";

// RFC 7677 section 3 (SCRAM-SHA-256).
const rfc7677 = {
  salt: Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"),
  clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
  serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
  serverFirst:
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  clientFinal:
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

// KafkaJS's SCRAM client, driven against our server session in-process.
interface KafkaJsScramRequest {
  encode(): Promise<Buffer>;
}
interface KafkaJsScramResponse {
  decode(raw: Buffer): Promise<Buffer>;
  parse(data: Buffer): Promise<unknown>;
}
type SaslAuthenticate = (exchange: {
  request: KafkaJsScramRequest;
  response: KafkaJsScramResponse;
}) => Promise<unknown>;
const require = createRequire(import.meta.url);
const { SCRAM, DIGESTS } = require("kafkajs/src/broker/saslAuthenticator/scram") as {
  SCRAM: new (
    sasl: { username: string; password: string },
    host: string,
    port: number,
    logger: unknown,
    saslAuthenticate: SaslAuthenticate,
    digest: unknown,
  ) => { authenticate(): Promise<void> };
  DIGESTS: Record<"SHA256" | "SHA512", unknown>;
};
const KafkaJsEncoder = require("kafkajs/src/protocol/encoder") as new () => {
  writeBytes(v: string): { buffer: Buffer };
};
const KafkaJsDecoder = require("kafkajs/src/protocol/decoder") as new (b: Buffer) => {
  readBytes(): Buffer;
};
const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

async function kafkaJsExchange(
  mechanism: ScramMechanism,
  username: string,
  password: string,
  lookup: (username: string) => ScramVerifiers | undefined,
): Promise<ScramServerSession> {
  const server = new ScramServerSession(mechanism);
  const saslAuthenticate: SaslAuthenticate = async ({ request, response }) => {
    const clientMessage = new KafkaJsDecoder(await request.encode()).readBytes();
    let reply: string;
    if (server.state === "client-first") {
      const { username: user } = server.receiveClientFirst(clientMessage);
      const verifiers = lookup(user);
      if (verifiers === undefined) throw new SaslInvalidCredentialsError("unknown user");
      reply = server.serverFirst(verifiers);
    } else {
      reply = server.receiveClientFinal(clientMessage);
    }
    return response.parse(await response.decode(new KafkaJsEncoder().writeBytes(reply).buffer));
  };
  const digest = mechanism === "SCRAM-SHA-256" ? DIGESTS.SHA256 : DIGESTS.SHA512;
  await new SCRAM(
    { username, password },
    "localhost",
    9092,
    silentLogger,
    saslAuthenticate,
    digest,
  ).authenticate();
  return server;
}

describe("SCRAM", () => {
  it("replays the RFC 7677 SCRAM-SHA-256 exchange", async () => {
    const verifiers = await deriveScramVerifiers("pencil", "SCRAM-SHA-256", 4096, rfc7677.salt);
    const session = new ScramServerSession("SCRAM-SHA-256", { serverNonce: rfc7677.serverNonce });
    expect(session.receiveClientFirst(Buffer.from(rfc7677.clientFirst))).toEqual({
      username: "user",
      authzid: null,
      clientNonce: "rOprNGfwEbeRWgbNEkqO",
      extensions: {},
    });
    expect(session.state).toBe("server-first");
    expect(session.serverFirst(verifiers)).toBe(rfc7677.serverFirst);
    expect(session.receiveClientFinal(Buffer.from(rfc7677.clientFinal))).toBe(rfc7677.serverFinal);
    expect(session.state).toBe("complete");
    expect(session.username).toBe("user");
  });

  it("verifies RFC 5802's SCRAM-SHA-1 example with the same proof check", async () => {
    const salt = Buffer.from("QSXCR+Q6sek8bf92", "base64");
    const verifiers = verifiersFromSaltedPassword(
      "sha1",
      await saltedPassword("sha1", "pencil", salt, 4096),
      salt,
      4096,
    );
    const authMessage =
      "n=user,r=fyko+d2lbbFgONRv9qkxdawL," +
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096," +
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
    const proof = Buffer.from("v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", "base64");
    expect(verifyClientProof("sha1", verifiers, authMessage, proof)?.toString("base64")).toBe(
      "rmF9pqV8S7suAoZWja4dJRkFsKQ=",
    );
    proof[0]! ^= 1;
    expect(verifyClientProof("sha1", verifiers, authMessage, proof)).toBeNull();
  });

  it.each(["SCRAM-SHA-256", "SCRAM-SHA-512"] as const)(
    "authenticates KafkaJS's %s client from stored verifiers",
    async (mechanism) => {
      const stored = toStoredScramVerifiers(
        await deriveScramVerifiers("s3cret, =pässword", mechanism),
      );
      const verifiers = fromStoredScramVerifiers(JSON.parse(JSON.stringify(stored)), mechanism)!;
      const users = new Map([["app,user=1", verifiers]]);
      const session = await kafkaJsExchange(mechanism, "app,user=1", "s3cret, =pässword", (u) =>
        users.get(u),
      );
      expect(session.state).toBe("complete");
      expect(session.username).toBe("app,user=1");
      await expect(
        kafkaJsExchange(mechanism, "app,user=1", "wrong", (u) => users.get(u)),
      ).rejects.toThrow(/Invalid user credentials/);
    },
  );

  it("fails a wrong password with SaslInvalidCredentialsError and stays failed", async () => {
    const verifiers = await deriveScramVerifiers("right", "SCRAM-SHA-256", 4096, rfc7677.salt);
    const session = new ScramServerSession("SCRAM-SHA-256", { serverNonce: rfc7677.serverNonce });
    session.receiveClientFirst(rfc7677.clientFirst);
    session.serverFirst(verifiers);
    expect(() => session.receiveClientFinal(rfc7677.clientFinal)).toThrow(
      SaslInvalidCredentialsError,
    );
    expect(session.state).toBe("failed");
    expect(() => session.receiveClientFinal(rfc7677.clientFinal)).toThrow(SaslStateError);
  });

  it("rejects a nonce that is not the one the server sent", async () => {
    const verifiers = await deriveScramVerifiers("pencil", "SCRAM-SHA-256", 4096, rfc7677.salt);
    const session = new ScramServerSession("SCRAM-SHA-256", { serverNonce: "other" });
    session.receiveClientFirst(rfc7677.clientFirst);
    session.serverFirst(verifiers);
    expect(() => session.receiveClientFinal(rfc7677.clientFinal)).toThrow(ScramNonceMismatchError);
  });

  it("rejects malformed messages and unsupported channel binding with typed errors", async () => {
    const verifiers = await deriveScramVerifiers("pencil", "SCRAM-SHA-256", 4096, rfc7677.salt);
    const firstErrors: [string, new (...args: never[]) => SaslAuthenticationError][] = [
      ["", SaslMalformedMessageError],
      ["n,,r=abc,n=user", SaslMalformedMessageError],
      ["n,,n=user", SaslMalformedMessageError],
      ["n,,n=us=er,r=abc", SaslMalformedMessageError],
      ["n,,n=user,r=a,bc", SaslMalformedMessageError],
      ["x,,n=user,r=abc", SaslMalformedMessageError],
      ["m=ext,n=user,r=abc", SaslMalformedMessageError],
      ["y,,n=user,r=abc", ScramChannelBindingError],
      ["p=tls-unique,,n=user,r=abc", ScramChannelBindingError],
      ["n,a=admin,n=user,r=abc", SaslAuthorizationIdError],
    ];
    for (const [message, type] of firstErrors) {
      expect(
        () => new ScramServerSession("SCRAM-SHA-256").receiveClientFirst(message),
        message,
      ).toThrow(type);
    }
    expect(
      new ScramServerSession("SCRAM-SHA-256").receiveClientFirst(
        "n,a=us=2Cer,n=us=2Cer,r=abc,tokenauth=true",
      ),
    ).toEqual({
      username: "us,er",
      authzid: "us,er",
      clientNonce: "abc",
      extensions: { tokenauth: "true" },
    });

    const finalErrors: [string, new (...args: never[]) => SaslAuthenticationError][] = [
      ["c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", SaslMalformedMessageError],
      [
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,c=biws,p=AAAA",
        SaslMalformedMessageError,
      ],
      [
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=not*base64",
        SaslMalformedMessageError,
      ],
      [
        "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA",
        ScramChannelBindingError,
      ],
      [
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA",
        SaslInvalidCredentialsError,
      ],
    ];
    for (const [message, type] of finalErrors) {
      const session = new ScramServerSession("SCRAM-SHA-256", { serverNonce: rfc7677.serverNonce });
      session.receiveClientFirst(rfc7677.clientFirst);
      session.serverFirst(verifiers);
      expect(() => session.receiveClientFinal(message), message).toThrow(type);
    }
  });

  it("enforces the order of the steps and matching verifiers", async () => {
    const session = new ScramServerSession("SCRAM-SHA-512");
    expect(() => session.receiveClientFinal(rfc7677.clientFinal)).toThrow(SaslStateError);
    const sha256 = await deriveScramVerifiers("pencil", "SCRAM-SHA-256");
    const other = new ScramServerSession("SCRAM-SHA-512");
    other.receiveClientFirst(rfc7677.clientFirst);
    expect(() => other.serverFirst(sha256)).toThrow(SaslStateError);
  });

  it("derives salted verifiers and validates stored ones", async () => {
    const a = await deriveScramVerifiers("pw", "SCRAM-SHA-512");
    const b = await deriveScramVerifiers("pw", "SCRAM-SHA-512");
    expect(a.salt).not.toEqual(b.salt);
    expect(a.storedKey).toHaveLength(64);
    await expect(deriveScramVerifiers("pw", "SCRAM-SHA-256", 100)).rejects.toThrow(RangeError);
    expect(fromStoredScramVerifiers(toStoredScramVerifiers(a), "SCRAM-SHA-512")).toEqual(a);
    expect(fromStoredScramVerifiers(toStoredScramVerifiers(a), "SCRAM-SHA-256")).toBeNull();
    expect(
      fromStoredScramVerifiers(
        { ...toStoredScramVerifiers(a), iterations: "4096" },
        "SCRAM-SHA-512",
      ),
    ).toBeNull();
    expect(fromStoredScramVerifiers(null, "SCRAM-SHA-512")).toBeNull();
  });
});
