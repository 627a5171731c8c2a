/** How a field maps to TypeScript: its type, its default, its wire compactness. */
import type { FieldDef, FieldType, MessageDef, StructDef, VersionRange } from "./definitions.ts";
import { versionCondition, within } from "./conditions.ts";

export interface Context {
  message: MessageDef;
  /** Versions in which the struct being emitted can occur: conditions are simplified to it. */
  valid: VersionRange;
  /** Expression: are compact encodings in use. */
  flex: string;
  reader: string;
  writer: string;
  /** Unique variable suffix counter. */
  counter: { n: number };
}

export function functionSuffix(message: MessageDef, struct: StructDef): string {
  return message.kind === "header" && struct === message.root
    ? `${struct.typeName}AtVersion`
    : struct.typeName;
}

export function tsType(type: FieldType): string {
  switch (type.kind) {
    case "array":
      return `${tsType(type.element)}[]`;
    case "struct":
      return type.struct.typeName;
    case "primitive":
      switch (type.name) {
        case "bool":
          return "boolean";
        case "int64":
          return "bigint";
        case "string":
        case "uuid":
          return "string";
        case "bytes":
        case "records":
          return "Buffer";
        default:
          return "number";
      }
  }
}

export function fieldType(field: FieldDef): string {
  return field.nullableVersions ? `${tsType(field.type)} | null` : tsType(field.type);
}

export function defaultValue(field: FieldDef, ctx: Context): string {
  const d = field.default;
  const nullDefault = d === "null";
  if (nullDefault && !field.nullableVersions) {
    throw new Error(`${ctx.message.name}.${field.name}: null default on a non-nullable field`);
  }
  const type = field.type;
  if (type.kind === "array") return nullDefault ? "null" : "[]";
  if (type.kind === "struct") return nullDefault ? "null" : `default${type.struct.typeName}()`;
  switch (type.name) {
    case "bool":
      return d === "true" ? "true" : "false";
    case "int64":
      return `${BigInt(d ?? 0)}n`;
    case "string":
      return nullDefault ? "null" : JSON.stringify(d ?? "");
    case "uuid":
      return "ZERO_UUID";
    case "bytes":
    case "records":
      if (nullDefault || (type.name === "records" && field.nullableVersions)) return "null";
      return "EMPTY_BUFFER";
    default: {
      const n = Number(d ?? 0);
      if (!Number.isFinite(n))
        throw new Error(`${ctx.message.name}.${field.name}: bad default ${d}`);
      return String(n);
    }
  }
}

/** Fixed-width primitives: the Reader and Writer method share the type's name. */
export const FIXED_WIDTH: Record<string, string> = {
  bool: "bool",
  int8: "int8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  int64: "int64",
  float64: "float64",
  uuid: "uuid",
};

/** Compactness for a field: the message's, unless the field overrides it (RequestHeader.ClientId). */
export function fieldFlex(field: FieldDef, ctx: Context): string {
  return field.flexibleVersions === undefined
    ? ctx.flex
    : versionCondition(field.flexibleVersions, within(ctx.valid, field.versions));
}
