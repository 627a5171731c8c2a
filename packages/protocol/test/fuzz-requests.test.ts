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
import { codecsOf, messageArbitrary } from "./message-arbitraries.ts";

const FRAMES = 100_000;
const SEED = 0x5eed;

/** Deterministic xorshift32, so a failure reproduces exactly. */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/** Decodes a request frame (without its size prefix) the way a connection would. */
function decodeFrame(frame: Buffer): void {
  const r = new Reader(frame);
  const header = decodeRequestHeader(r);
  const api = apis[header.requestApiKey];
  if (!api) return;
  api.decodeRequest(r, header.requestApiVersion);
}

function validFrames(): Buffer[] {
  const frames: Buffer[] = [];
  const requests = loadMessages(DEFAULT_MESSAGES_DIR).filter((m) => m.kind === "request");
  for (const message of requests) {
    const { encode } = codecsOf(message);
    for (let v = message.validVersions.min; v <= message.validVersions.max; v++) {
      for (const msg of fc.sample(messageArbitrary(message, v), { numRuns: 2, seed: SEED + v })) {
        const w = new Writer();
        encodeRequestHeader(w, {
          requestApiKey: message.apiKey!,
          requestApiVersion: v,
          correlationId: 1,
          clientId: "fuzz",
        });
        encode(w, msg, v);
        frames.push(Buffer.from(w.finish()));
      }
    }
  }
  return frames;
}

function mutate(frame: Buffer, rand: (n: number) => number): Buffer {
  const out = Buffer.from(frame);
  const edits = 1 + rand(4);
  let buf = out;
  for (let e = 0; e < edits; e++) {
    if (buf.length === 0) break;
    const at = rand(buf.length);
    switch (rand(6)) {
      case 0:
        buf[at] = buf[at]! ^ (1 << rand(8));
        break;
      case 1:
        buf[at] = [0x00, 0xff, 0x7f, 0x80, 0x01][rand(5)]!;
        break;
      case 2:
        buf = buf.subarray(0, at);
        break;
      case 3:
        if (at + 4 <= buf.length)
          buf.writeInt32BE([0x7fffffff, -2, 0x10000, 1 << 30][rand(4)]!, at);
        break;
      case 4: {
        const extra = Buffer.alloc(1 + rand(8));
        for (let i = 0; i < extra.length; i++) extra[i] = rand(256);
        buf = Buffer.concat([buf.subarray(0, at), extra, buf.subarray(at)]);
        break;
      }
      default:
        buf = Buffer.concat([
          buf.subarray(0, at),
          buf.subarray(Math.min(buf.length, at + 1 + rand(8))),
        ]);
    }
  }
  return buf;
}

function randomFrame(rand: (n: number) => number): Buffer {
  const body = Buffer.alloc(rand(96));
  for (let i = 0; i < body.length; i++)
    body[i] = rand(4) === 0 ? [0, 0xff, 0x7f, 0x80][rand(4)]! : rand(256);
  const head = Buffer.alloc(8);
  head.writeInt16BE(rand(4) === 0 ? rand(0x10000) - 0x8000 : rand(80), 0);
  head.writeInt16BE(rand(20) - 2, 2);
  head.writeInt32BE(rand(0x7fffffff), 4);
  return Buffer.concat([head, body]);
}

const haveDefinitions = existsSync(DEFAULT_MESSAGES_DIR);
if (!haveDefinitions) console.warn(`fuzz test skipped: no definitions at ${DEFAULT_MESSAGES_DIR}`);

describe.skipIf(!haveDefinitions)("request decoder fuzzing", () => {
  it(`${FRAMES} random and mutated frames raise nothing but DecodeError`, () => {
    const seeds = validFrames();
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
