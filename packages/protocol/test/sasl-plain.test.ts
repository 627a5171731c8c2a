import { describe, expect, it } from "vitest";
import { SaslAuthorizationIdError, SaslMalformedMessageError } from "../src/sasl/errors.ts";
import { parsePlainMessage } from "../src/sasl/plain.ts";

const message = (text: string) => Buffer.from(text, "utf8");

describe("SASL/PLAIN messages", () => {
  it("parses authzid, username and password", () => {
    expect(parsePlainMessage(message("\0alice\0pä,ss=word"))).toEqual({
      authzid: "",
      username: "alice",
      password: "pä,ss=word",
    });
    expect(parsePlainMessage(message("alice\0alice\0secret"))).toEqual({
      authzid: "alice",
      username: "alice",
      password: "secret",
    });
  });

  it("rejects malformed messages with typed errors", () => {
    for (const bad of ["alice\0secret", "\0alice\0secret\0", "", "\0\0secret", "\0alice\0"]) {
      expect(() => parsePlainMessage(message(bad))).toThrow(SaslMalformedMessageError);
    }
    expect(() => parsePlainMessage(Buffer.from([0, 0xff, 0xfe, 0, 0x41]))).toThrow(/UTF-8/);
  });

  it("refuses to act for another authorization identity", () => {
    expect(() => parsePlainMessage(message("admin\0alice\0secret"))).toThrow(
      SaslAuthorizationIdError,
    );
  });
});
