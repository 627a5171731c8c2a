/**
 * Fuzz: random and mutated request frames through the header and request decoders. Only
 * DecodeError may escape, every decode finishes quickly, and memory stays bounded.
 */
import { existsSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MESSAGES_DIR } from "../scripts/codegen.ts";
import { loadMessages } from "../scripts/codegen/definitions.ts";
import { apis, decodeRequestHeader, encodeRequestHeader } from "../src/generated/index.ts";
import { DecodeError } from "../src/primitives/decode-error.ts";
import { Reader } from "../src/primitives/reader.ts";
import { Writer } from "../src/primitives/writer.ts";
import { mutate, prng, randomFrame } from "../src/fuzzing.ts";
import { codecsOf, messageArbitrary } from "./message-arbitraries.ts";

const FRAMES = 100_000;
const SEED = 0x5eed;

/** Decodes a request frame (without its size prefix) the way a connection would. */
function decodeFrame(frame: Buffer): void {
  const r = new Reader(frame);
  const header = decodeRequestHeader(r);
  const api = apis[header.requestApiKey];
  if (!api) return;
  api.decodeRequest(r, header.requestApiVersion);
}

function frameOf(apiKey: number, version: number, encode: (w: Writer) => void): Buffer {
  const w = new Writer();
  encodeRequestHeader(w, {
    requestApiKey: apiKey,
    requestApiVersion: version,
    correlationId: 1,
    clientId: "fuzz",
  });
  encode(w);
  return Buffer.from(w.finish());
}

/** Every API at every version with its default request: needs nothing outside the repo. */
function defaultFrames(): Buffer[] {
  return apis.flatMap((api) =>
    api
      ? Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) =>
          frameOf(api.apiKey, api.minVersion + i, (w) =>
            api.encodeRequest(w, api.defaultRequest(), api.minVersion + i),
          ),
        )
      : [],
  );
}

/** Random messages of every API and version, drawn from Kafka's definitions when present. */
function definitionFrames(): Buffer[] {
  if (!existsSync(DEFAULT_MESSAGES_DIR)) {
    console.warn(`fuzz: no definitions at ${DEFAULT_MESSAGES_DIR}, default requests only`);
    return [];
  }
  const frames: Buffer[] = [];
  const requests = loadMessages(DEFAULT_MESSAGES_DIR).filter((m) => m.kind === "request");
  for (const message of requests) {
    const { encode } = codecsOf(message);
    for (let v = message.validVersions.min; v <= message.validVersions.max; v++) {
      for (const msg of fc.sample(messageArbitrary(message, v), { numRuns: 2, seed: SEED + v }))
        frames.push(frameOf(message.apiKey!, v, (w) => encode(w, msg, v)));
    }
  }
  return frames;
}

describe("request decoder fuzzing", () => {
  it(`${FRAMES} random and mutated frames raise nothing but DecodeError`, () => {
    const seeds = [...defaultFrames(), ...definitionFrames()];
    for (const frame of seeds) decodeFrame(frame);
    const rand = prng(SEED);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let decodeErrors = 0;
    let slowest = 0;
    const started = performance.now();
    for (let i = 0; i < FRAMES; i++) {
      const frame = i % 4 === 0 ? randomFrame(rand) : mutate(seeds[rand(seeds.length)]!, rand);
      const t0 = performance.now();
      try {
        decodeFrame(frame);
      } catch (e) {
        if (!(e instanceof DecodeError)) {
          throw new Error(`frame ${i} (${frame.toString("hex")}) threw ${String(e)}`, { cause: e });
        }
        decodeErrors++;
      }
      slowest = Math.max(slowest, performance.now() - t0);
      if (i % 10_000 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const elapsed = performance.now() - started;
    console.log(
      `fuzz: ${FRAMES} frames from ${seeds.length} seeds in ${elapsed.toFixed(0)} ms, ` +
        `${decodeErrors} DecodeErrors, slowest ${slowest.toFixed(1)} ms, ` +
        `rss +${((rssPeak - rssBefore) / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(decodeErrors).toBeGreaterThan(FRAMES / 4);
    // Generous: a GC pause on a loaded 2-core CI box must not fail the run; a hang would.
    expect(slowest).toBeLessThan(2000);
    expect(rssPeak - rssBefore).toBeLessThan(512 * 2 ** 20);
  });
});
