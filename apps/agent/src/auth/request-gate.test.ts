import { ApiKey } from "@streambed/protocol";
import { describe, expect, it } from "vitest";
import { saslRefusal } from "./request-gate.ts";
import { SaslSession } from "./sasl-authenticator.ts";

const requireSasl = async (clusterId: string) => clusterId === "locked";

describe("saslRefusal", () => {
  it("lets ApiVersions and SASL through before authentication, and nothing else on a cluster that requires SASL", async () => {
    const connection = { clusterId: "locked", sasl: new SaslSession() };
    for (const apiKey of [ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]) {
      expect(await saslRefusal(apiKey, connection, requireSasl)).toBeNull();
    }
    expect(await saslRefusal(ApiKey.Metadata, connection, requireSasl)).toMatch(
      /before SASL authentication/,
    );
    connection.sasl.principal = { credentialId: "c", username: "u", clusterId: "locked" };
    expect(await saslRefusal(ApiKey.Metadata, connection, requireSasl)).toBeNull();
  });

  it("serves unauthenticated connections of open clusters, but not connections without a cluster", async () => {
    expect(
      await saslRefusal(
        ApiKey.Produce,
        { clusterId: "open", sasl: new SaslSession() },
        requireSasl,
      ),
    ).toBeNull();
    expect(
      await saslRefusal(ApiKey.Produce, { clusterId: "", sasl: new SaslSession() }, requireSasl),
    ).not.toBeNull();
  });
});
