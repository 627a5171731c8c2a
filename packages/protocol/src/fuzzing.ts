/**
 * Deterministic frame mutations for fuzzing decoders and live agents: the same seed gives the
 * same frames, so a failure reproduces from its seed alone.
 */

/** A deterministic xorshift32 source: `rand(n)` is in [0, n). */
export type Rand = (n: number) => number;

export function prng(seed: number): Rand {
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

/** A copy of `frame` with 1-4 edits: bit flips, boundary bytes and lengths, truncation, splices. */
export function mutate(frame: Buffer, rand: Rand): Buffer {
  let buf = Buffer.from(frame);
  const edits = 1 + rand(4);
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

/** A request frame (no size prefix) with a plausible header and random body bytes. */
export function randomFrame(rand: Rand): Buffer {
  const body = Buffer.alloc(rand(96));
  for (let i = 0; i < body.length; i++)
    body[i] = rand(4) === 0 ? [0, 0xff, 0x7f, 0x80][rand(4)]! : rand(256);
  const head = Buffer.alloc(8);
  head.writeInt16BE(rand(4) === 0 ? rand(0x10000) - 0x8000 : rand(80), 0);
  head.writeInt16BE(rand(20) - 2, 2);
  head.writeInt32BE(rand(0x7fffffff), 4);
  return Buffer.concat([head, body]);
}
