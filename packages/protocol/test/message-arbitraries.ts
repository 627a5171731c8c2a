/**
 * fast-check arbitraries for any generated message at any version, built from the same parsed
 * JSON definitions the generator reads: fields outside the version hold their defaults, nulls
 * appear only in nullable versions, and flexible structs carry random unknown tagged fields.
 */
import fc from "fast-check";
import { fieldInVersion, inRange } from "../scripts/codegen/definitions.ts";
import type { FieldDef, FieldType, MessageDef, StructDef } from "../scripts/codegen/definitions.ts";
import { functionSuffix } from "../scripts/codegen/fields.ts";
import * as generated from "../src/generated/index.ts";
import type { Reader } from "../src/primitives/reader.ts";
import type { Writer } from "../src/primitives/writer.ts";

type Codecs = {
  encode: (w: Writer, msg: unknown, version: number) => void;
  decode: (r: Reader, version: number) => unknown;
};

const exports = generated as unknown as Record<string, unknown>;

export function codecsOf(message: MessageDef): Codecs {
  const suffix = functionSuffix(message, message.root);
  return {
    encode: exports[`encode${suffix}`] as Codecs["encode"],
    decode: exports[`decode${suffix}`] as Codecs["decode"],
  };
}

function defaultsOf(struct: StructDef): Record<string, unknown> {
  return (exports[`default${struct.typeName}`] as () => Record<string, unknown>)();
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-0x80, 0x7f],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

const bytes = fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a));

function valueArbitrary(
  type: FieldType,
  message: MessageDef,
  version: number,
): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case "array":
      return fc.array(valueArbitrary(type.element, message, version), { maxLength: 3 });
    case "struct":
      return structArbitrary(type.struct, message, version);
    case "primitive": {
      const range = INT_RANGES[type.name];
      if (range) return fc.integer({ min: range[0], max: range[1] });
      switch (type.name) {
        case "bool":
          return fc.boolean();
        case "int64":
          return fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
        case "float64":
          return fc.double();
        case "string":
          return fc.string({ unit: "binary", maxLength: 12 });
        case "uuid":
          return fc.uuid();
        default:
          return bytes;
      }
    }
  }
}

function fieldArbitrary(
  field: FieldDef,
  message: MessageDef,
  version: number,
): fc.Arbitrary<unknown> {
  const value = valueArbitrary(field.type, message, version);
  return inRange(field.nullableVersions, version) ? fc.option(value, { nil: null }) : value;
}

function isFlexible(message: MessageDef, version: number): boolean {
  return inRange(message.flexibleVersions, version);
}

/** Unknown tagged fields: ascending unique tags that no known field uses in this version. */
function unknownTagsArbitrary(struct: StructDef, version: number) {
  const known = new Set(
    struct.fields
      .filter((f) => f.tag !== null && inRange(f.taggedVersions, version))
      .map((f) => f.tag),
  );
  const tag = fc.integer({ min: 0, max: 40 }).filter((t) => !known.has(t));
  return fc.option(
    fc
      .uniqueArray(tag, { minLength: 1, maxLength: 3 })
      .chain((tags) =>
        fc.tuple(...tags.sort((a, b) => a - b).map((t) => bytes.map((data) => ({ tag: t, data })))),
      ),
    { nil: undefined },
  );
}

export function structArbitrary(
  struct: StructDef,
  message: MessageDef,
  version: number,
): fc.Arbitrary<Record<string, unknown>> {
  const defaults = defaultsOf(struct);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of struct.fields) {
    shape[f.property] = fieldInVersion(f, version)
      ? fieldArbitrary(f, message, version)
      : fc.constant(defaults[f.property]);
  }
  if (isFlexible(message, version))
    shape.unknownTaggedFields = unknownTagsArbitrary(struct, version);
  return fc.record(shape);
}

export function messageArbitrary(message: MessageDef, version: number) {
  return structArbitrary(message.root, message, version);
}
