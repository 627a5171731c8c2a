/**
 * Fuzz of the HTTP surfaces that take input from outside: the usage-ingest endpoint agents post
 * to and every REST API v1 endpoint (all of `apiEndpoints`, so new ones are fuzzed as they are
 * added). Whatever arrives, the answer is a 2xx or a 4xx with the documented error body, never a
 * 5xx or a throw, and nothing already stored changes unless the answer says it was accepted.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { usageIdempotencyKey } from "@streambed/db";
import { createTestDatabase, type TestDatabase } from "@streambed/db/testing";
import { apiErrorSchema } from "../src/server/rest-api/api-error.ts";
import { apiEndpoints } from "../src/server/rest-api/openapi.ts";
import { handleApiRequest } from "../src/server/rest-api/route-handler.ts";
import { authenticateIngest, usageIngestToken } from "../src/server/usage/ingest-auth.ts";
import { ingestUsage } from "../src/server/usage/ingest.ts";
import { callerFor, signUp, type TestUser } from "./harness.ts";

const RUNS = Number(process.env.STREAMBED_FUZZ_RUNS ?? 150);
const SEED = Number(process.env.STREAMBED_FUZZ_SEED ?? 0x5eed);

let db: TestDatabase;
let alice: TestUser;
let aliceKey: string;
let bobKey: string;
let aliceCluster: string;
let bobCluster: string;

beforeAll(async () => {
  db = await createTestDatabase(inject("postgresAdminUrl"));
  alice = await signUp(db.prisma, "alice@fuzz.test");
  const bob = await signUp(db.prisma, "bob@fuzz.test");
  const asAlice = callerFor(db.prisma, alice);
  const asBob = callerFor(db.prisma, bob);
  aliceCluster = (await asAlice.clusters.create({ name: "fuzzed", region: "local" })).id;
  bobCluster = (await asBob.clusters.create({ name: "other", region: "local" })).id;
  aliceKey = (await asAlice.apiKeys.create({ name: "fuzz", role: "admin" })).secret;
  bobKey = (await asBob.apiKeys.create({ name: "fuzz", role: "readonly" })).secret;
});
afterAll(() => db.drop());

/** Strings that break naive code: NUL, lone surrogates, huge numbers, SQL and path syntax. */
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "\u0000",
    "\ud800",
    "-1",
    "1e309",
    "99999999999999999999999999",
    "NaN",
    "' OR 1=1 --",
    "../../etc/passwd",
    "2026-13-45T99:99:99Z",
    "",
  ),
);

/** Something in place of an id: a real one of this or another organization, or junk. */
const idLike = () => fc.oneof(fc.constant(aliceCluster), fc.constant(bobCluster), nasty);

const anyJson = fc.jsonValue({ maxDepth: 3 });

describe("usage ingest fuzzing", () => {
  it(`${RUNS} random batches: 200 or 4xx, and only accepted events are stored`, async () => {
    const principal = await authenticateIngest(
      db.prisma,
      `Bearer ${await usageIngestToken(db.prisma)}`,
    );
    const eventLike = fc.record(
      {
        clusterId: idLike(),
        dimension: fc.oneof(fc.constantFrom("write_bytes", "read_bytes", "requests"), nasty),
        windowStart: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          nasty,
          anyJson,
        ),
        windowSeconds: fc.oneof(fc.constantFrom(60, 0, -60, 61, 3600), anyJson),
        quantity: fc.oneof(fc.bigInt({ min: -10n, max: 2n ** 70n }).map(String), nasty, anyJson),
        idempotencyKey: fc.oneof(nasty, fc.uuid()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      anyJson,
      fc.record({ events: fc.array(eventLike, { maxLength: 5 }) }),
      fc.record({ events: anyJson }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await db.prisma.usageEvent.count();
        const outcome = await ingestUsage(db.prisma, principal!, b);
        expect([200, 400, 403, 409]).toContain(outcome.status);
        const stored = (await db.prisma.usageEvent.count()) - before;
        if (outcome.status === 200) expect(stored).toBe(outcome.body.accepted);
        else expect(stored).toBe(0);
      }),
      { numRuns: RUNS, seed: SEED },
    );

    // Still takes a well-formed event afterwards.
    const start = new Date("2026-12-02T10:00:00Z");
    const ok = await ingestUsage(db.prisma, principal!, {
      events: [
        {
          clusterId: aliceCluster,
          dimension: "requests",
          windowStart: start.toISOString(),
          windowSeconds: 60,
          quantity: "3",
          idempotencyKey: usageIdempotencyKey(aliceCluster, "fuzz-after", "requests", start),
        },
      ],
    });
    expect(ok).toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
  }, 300_000);
});

describe("REST API fuzzing", () => {
  it(`${RUNS} random requests per endpoint: never a 5xx, errors in the documented shape`, async () => {
    for (const endpoint of apiEndpoints) {
      const pathNames = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const fieldNames = [
        ...Object.keys(endpoint.query?.shape ?? {}),
        ...Object.keys(endpoint.body?.shape ?? {}),
      ];
      const values = fc.dictionary(
        fc.oneof(fc.constantFrom(...fieldNames, "x"), nasty),
        fc.oneof(idLike(), anyJson),
        { maxKeys: 4 },
      );
      const request = fc.record({
        auth: fc.oneof(
          fc.constant(`Bearer ${aliceKey}`),
          fc.constant(`Bearer ${bobKey}`),
          fc.constant(null),
          nasty.map((s) => `Bearer ${s}`),
          nasty,
        ),
        params: fc.tuple(...pathNames.map(() => idLike()), fc.constant(null)),
        query: values,
        body: fc.oneof(
          values.map((v) => JSON.stringify(v)),
          anyJson.map((v) => JSON.stringify(v)),
          nasty,
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ auth, params, query, body }) => {
          const url = new URL(`http://localhost${endpoint.path}`);
          for (const [k, v] of Object.entries(query))
            url.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
          const headers: Record<string, string> = {};
          if (auth !== null && !auth.includes("\u0000")) headers.authorization = auth;
          let req: Request;
          try {
            req = new Request(url, {
              method: endpoint.method.toUpperCase(),
              headers,
              ...(endpoint.method === "get" ? {} : { body }),
            });
          } catch {
            return; // not a request any HTTP stack would deliver (e.g. a header with a newline)
          }
          const pathParams = Object.fromEntries(pathNames.map((n, i) => [n, params[i]]));
          const res = await handleApiRequest(db.prisma, endpoint, req, pathParams);
          const text = await res.text();
          expect(res.status, `${endpoint.operationId}: ${text}`).toBeLessThan(500);
          const json: unknown = JSON.parse(text);
          if (res.status >= 400) expect(apiErrorSchema.safeParse(json).success).toBe(true);
          else expect(endpoint.response.safeParse(json).success).toBe(true);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }
  }, 600_000);
});
