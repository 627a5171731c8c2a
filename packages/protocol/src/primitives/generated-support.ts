import type { Writer } from "./writer.ts";

/** A tagged field the decoder did not know, kept verbatim so re-encoding preserves it. */
export interface RawTaggedField {
  tag: number;
  data: Buffer;
}

/** Shared zero-length default for non-nullable bytes fields. */
export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);

/**
 * Writes a tagged-field section: known fields already serialized plus preserved unknown ones,
 * in ascending tag order as the protocol requires.
 */
export function writeTaggedFields(
  w: Writer,
  known: RawTaggedField[] | undefined,
  unknown: RawTaggedField[] | undefined,
): void {
  const count = (known?.length ?? 0) + (unknown?.length ?? 0);
  w.uvarint(count);
  if (count === 0) return;
  const all = known && unknown ? [...known, ...unknown] : (known ?? unknown)!;
  if (known && unknown) all.sort((a, b) => a.tag - b.tag);
  for (const field of all) {
    w.uvarint(field.tag);
    w.uvarint(field.data.length);
    w.raw(field.data);
  }
}

/** Encoders call this for a field that may be null in other versions but not in this one. */
export function nonNull<T>(value: T | null, field: string): T {
  if (value === null) throw new TypeError(`${field} must not be null in this version`);
  return value;
}

/** Encoding a non-ignorable field with a non-default value in a version that lacks it. */
export class UnsupportedFieldError extends Error {
  override readonly name = "UnsupportedFieldError";

  constructor(
    readonly field: string,
    readonly version: number,
  ) {
    super(`${field} is set but version ${version} cannot carry it`);
  }
}
