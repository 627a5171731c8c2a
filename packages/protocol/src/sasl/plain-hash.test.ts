import { describe, expect, it } from "vitest";
import { hashPlainPassword, verifyPlainPassword } from "./plain-hash.ts";

describe("PLAIN password hash", () => {
  it("verifies the password it was made from and nothing else", async () => {
    const hash = await hashPlainPassword("s3cret-pässword");
    expect(hash).toMatch(/^scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPlainPassword("s3cret-pässword", hash)).toBe(true);
    expect(await verifyPlainPassword("s3cret-password", hash)).toBe(false);
    expect(await verifyPlainPassword("", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPlainPassword("same")).not.toBe(await hashPlainPassword("same"));
  });

  it("rejects malformed hashes instead of throwing", async () => {
    for (const bad of [
      "",
      "scrypt$",
      "bcrypt$2a$10$abc",
      "scrypt$N=0,r=8,p=1$AAAA$AAAA",
      "scrypt$N=16384,r=8,p=1$AAAA$",
    ]) {
      expect(await verifyPlainPassword("x", bad)).toBe(false);
    }
  });
});
