import { describe, expect, it } from "vitest";
import { publicOrigin } from "./public-origin.ts";

const direct = { publicUrl: undefined, trustProxy: false };
const proxied = { publicUrl: undefined, trustProxy: true };

describe("publicOrigin", () => {
  it("is the configured URL whatever the request says", () => {
    const headers = new Headers({ host: "10.1.2.3:3000", "x-forwarded-host": "evil.test" });
    expect(
      publicOrigin(headers, { publicUrl: "https://console.example.com/", trustProxy: true }),
    ).toBe("https://console.example.com");
  });

  it("is the address the browser used when nothing is configured", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "192.168.1.20:3000", "[::1]:3000"])
      expect(publicOrigin(new Headers({ host }), direct)).toBe(`http://${host}`);
  });

  it("follows X-Forwarded-Host and -Proto only from a trusted proxy", () => {
    const headers = new Headers({
      host: "127.0.0.1:3000",
      "x-forwarded-host": "console.example.com, 10.0.0.1",
      "x-forwarded-proto": "https",
    });
    expect(publicOrigin(headers, proxied)).toBe("https://console.example.com");
    expect(publicOrigin(headers, direct)).toBe("http://127.0.0.1:3000");
  });

  it("refuses a Host header that is not a host", () => {
    for (const host of ["evil.test/path", "user@evil.test", "a b"])
      expect(publicOrigin(new Headers({ host }), direct)).toBeNull();
    expect(publicOrigin(new Headers(), direct)).toBeNull();
  });
});
