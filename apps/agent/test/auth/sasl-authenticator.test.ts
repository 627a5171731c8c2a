import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  SCRAM_HASHES,
  hmac,
  digest,
  saltedPassword,
  xor,
} from "@streambed/protocol/sasl/scram-crypto";
import type { ScramMechanism } from "@streambed/protocol";
import { createClusterWithCredential, type TestCluster } from "../support/console-credentials.ts";
import { databaseForFile } from "../support/postgres-per-file.ts";
import { CredentialCache } from "../../src/auth/credential-cache.ts";
import { PostgresControlPlane } from "../../src/metadata/postgres/control-plane.ts";
import { FailureLimiter } from "../../src/auth/failure-limiter.ts";
import {
  SaslAuthenticator,
  SaslSession,
  type SaslMechanism,
} from "../../src/auth/sasl-authenticator.ts";

let database: Awaited<ReturnType<typeof databaseForFile>>;
let clusterA: TestCluster;
let clusterB: TestCluster;
beforeAll(async () => {
  database = await databaseForFile();
  clusterA = await createClusterWithCredential(database.db.pool);
  clusterB = await createClusterWithCredential(database.db.pool);
});
afterAll(() => database.close());

function authenticator(
  options: {
    dedicatedClusterId?: string | null;
    maxFailures?: number;
    delayMs?: number;
    ttlMs?: number;
  } = {},
) {
  return new SaslAuthenticator({
    credentials: new CredentialCache(new PostgresControlPlane(database.db.pool), {
      ttlMs: options.ttlMs ?? 5000,
    }),
    limiter: new FailureLimiter({
      maxFailures: options.maxFailures ?? 10,
      delayMs: options.delayMs ?? 2000,
    }),
    dedicatedClusterId: options.dedicatedClusterId ?? null,
    logger: pino({ level: "silent" }),
  });
}

function session(mechanism: SaslMechanism): SaslSession {
  const s = new SaslSession();
  s.mechanism = mechanism;
  return s;
}

const plain = (username: string, password: string) => Buffer.from(`\0${username}\0${password}`);

/** The client side of SCRAM (RFC 5802), as a Kafka client runs it. */
async function scramLogin(
  auth: SaslAuthenticator,
  mechanism: ScramMechanism,
  username: string,
  password: string,
) {
  const s = session(mechanism);
  const nonce = randomBytes(12).toString("base64");
  const bare = `n=${username},r=${nonce}`;
  const first = await auth.step(s, Buffer.from(`n,,${bare}`), "10.0.0.1:5000");
  if (first.kind !== "challenge") return first;
  const serverFirst = first.bytes.toString();
  const fields = Object.fromEntries(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)]));
  const { hash } = SCRAM_HASHES[mechanism];
  const salted = await saltedPassword(
    hash,
    password,
    Buffer.from(fields.s!, "base64"),
    Number(fields.i),
  );
  const clientKey = hmac(hash, salted, "Client Key");
  const withoutProof = `c=${Buffer.from("n,,").toString("base64")},r=${fields.r}`;
  const authMessage = `${bare},${serverFirst},${withoutProof}`;
  const proof = xor(clientKey, hmac(hash, digest(hash, clientKey), authMessage));
  return auth.step(
    s,
    Buffer.from(`${withoutProof},p=${proof.toString("base64")}`),
    "10.0.0.1:5000",
  );
}

describe("SaslAuthenticator", () => {
  it("authenticates PLAIN and binds the connection to the credential's cluster", async () => {
    const result = await authenticator().step(
      session("PLAIN"),
      plain(clusterA.username, clusterA.password),
      "10.0.0.1:5000",
    );
    expect(result).toMatchObject({
      kind: "authenticated",
      principal: { username: clusterA.username, clusterId: clusterA.clusterId },
    });
    const lastUsed = async () =>
      (
        await database.db.pool.query("SELECT last_used_at FROM kafka_credentials WHERE id = $1", [
          clusterA.credentialId,
        ])
      ).rows[0].last_used_at;
    await expect.poll(lastUsed).not.toBeNull();
  });

  it.each(["SCRAM-SHA-256", "SCRAM-SHA-512"] as const)(
    "authenticates %s against stored verifiers",
    async (mechanism) => {
      const auth = authenticator();
      expect(await scramLogin(auth, mechanism, clusterB.username, clusterB.password)).toMatchObject(
        {
          kind: "authenticated",
          principal: { clusterId: clusterB.clusterId },
        },
      );
      expect(await scramLogin(auth, mechanism, clusterB.username, "wrong")).toMatchObject({
        kind: "failed",
        errorCode: 58,
      });
    },
  );

  it("rejects a wrong password, an unknown user and a second attempt on the same session", async () => {
    const auth = authenticator();
    const s = session("PLAIN");
    expect(await auth.step(s, plain(clusterA.username, "nope"), "10.0.0.2:1")).toMatchObject({
      kind: "failed",
      errorCode: 58,
    });
    expect(
      await auth.step(s, plain(clusterA.username, clusterA.password), "10.0.0.2:1"),
    ).toMatchObject({ kind: "failed", errorCode: 34 });
    expect(await auth.step(session("PLAIN"), plain("nobody", "x"), "10.0.0.2:1")).toMatchObject({
      kind: "failed",
      errorCode: 58,
    });
  });

  it("accepts on a dedicated agent only the credentials of its own cluster", async () => {
    const auth = authenticator({ dedicatedClusterId: clusterA.clusterId });
    expect(
      (await auth.step(session("PLAIN"), plain(clusterB.username, clusterB.password), "10.0.0.3:1"))
        .kind,
    ).toBe("failed");
    expect(
      (await auth.step(session("PLAIN"), plain(clusterA.username, clusterA.password), "10.0.0.3:1"))
        .kind,
    ).toBe("authenticated");
  });

  it("slows a failing (address, username) down but lets the right password in, and leaves other users alone", async () => {
    const auth = authenticator({ maxFailures: 3, delayMs: 300 });
    for (let i = 0; i < 5; i++)
      await auth.step(session("PLAIN"), plain(clusterA.username, "bad"), "10.0.0.4:1");
    const timed = async (username: string, password: string) => {
      const started = performance.now();
      const step = await auth.step(session("PLAIN"), plain(username, password), "10.0.0.4:2");
      return { kind: step.kind, ms: performance.now() - started };
    };
    const [right, other] = await Promise.all([
      timed(clusterA.username, clusterA.password),
      timed(clusterB.username, clusterB.password),
    ]);
    expect(right.kind).toBe("authenticated");
    expect(right.ms).toBeGreaterThanOrEqual(290);
    expect(other).toMatchObject({ kind: "authenticated" });
    expect(other.ms).toBeLessThan(250);
    const wrong = await timed(clusterA.username, "bad");
    expect(wrong.kind).toBe("failed");
    expect(wrong.ms).toBeGreaterThanOrEqual(290);
  });

  it("stops accepting a revoked credential once the cache entry expires", async () => {
    const revoked = await createClusterWithCredential(database.db.pool);
    const auth = authenticator({ ttlMs: 200 });
    expect(
      (await auth.step(session("PLAIN"), plain(revoked.username, revoked.password), "10.0.0.6:1"))
        .kind,
    ).toBe("authenticated");
    await database.db.pool.query("UPDATE kafka_credentials SET revoked_at = now() WHERE id = $1", [
      revoked.credentialId,
    ]);
    await new Promise((r) => setTimeout(r, 250));
    expect(
      (await auth.step(session("PLAIN"), plain(revoked.username, revoked.password), "10.0.0.6:1"))
        .kind,
    ).toBe("failed");
  });
});
