/**
 * Reads Kafka's JSON message definitions into a typed model shared by the code generator and
 * by the tests that build arbitraries from the same definitions.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Inclusive version range; `max` is Infinity for "N+"; null stands for "none". */
export interface VersionRange {
  min: number;
  max: number;
}

export type PrimitiveName =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "float64"
  | "string"
  | "uuid"
  | "bytes"
  | "records";

export type FieldType =
  | { kind: "primitive"; name: PrimitiveName }
  | { kind: "array"; element: FieldType }
  | { kind: "struct"; struct: StructDef };

export interface FieldDef {
  /** Name as in the JSON (PascalCase). */
  name: string;
  /** camelCase property name. */
  property: string;
  type: FieldType;
  versions: VersionRange | null;
  nullableVersions: VersionRange | null;
  /** Only ClientId in RequestHeader overrides this (to "none"). */
  flexibleVersions: VersionRange | null | undefined;
  tag: number | null;
  taggedVersions: VersionRange | null;
  /** Raw default from the JSON, if any. */
  default: string | undefined;
  ignorable: boolean;
  about: string;
}

export interface StructDef {
  /** Name in the JSON. */
  name: string;
  /** Exported TypeScript name, unique across all messages. */
  typeName: string;
  fields: FieldDef[];
}

export interface MessageDef {
  name: string;
  kind: "request" | "response" | "header" | "data";
  apiKey: number | null;
  validVersions: VersionRange;
  flexibleVersions: VersionRange | null;
  /** The highest version is still under development in Kafka (not to be advertised). */
  latestVersionUnstable: boolean;
  root: StructDef;
  /** Every struct of the message except the root, in first-use order. */
  structs: StructDef[];
  /** Base file name without extension, e.g. "produce-request". */
  fileName: string;
}

/** Removes `//` comments, leaving `//` inside string literals alone. */
export function stripJsonComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") {
        out += text[i + 1] ?? "";
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else {
      out += c;
    }
  }
  return out;
}

export function parseVersions(spec: string | undefined): VersionRange | null {
  if (spec === undefined || spec === "none" || spec === "") return null;
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) };
  throw new Error(`bad version spec ${JSON.stringify(spec)}`);
}

export function inRange(range: VersionRange | null, version: number): boolean {
  return range !== null && version >= range.min && version <= range.max;
}

export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

const PRIMITIVES = new Set<string>([
  "bool",
  "int8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "float64",
  "string",
  "uuid",
  "bytes",
  "records",
]);

interface JsonField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  flexibleVersions?: string;
  tag?: number | string;
  taggedVersions?: string;
  default?: string | number | boolean;
  ignorable?: boolean;
  about?: string;
  fields?: JsonField[];
}

interface JsonMessage {
  apiKey?: number;
  type: MessageDef["kind"];
  name: string;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  fields: JsonField[];
  commonStructs?: Array<{ name: string; fields: JsonField[] }>;
}

function structTypeName(messageName: string, structName: string): string {
  if (structName.startsWith(messageName)) return structName;
  const base = messageName.replace(/(Request|Response)$/, "");
  const rest = structName.slice(base.length);
  if (base !== messageName && structName.startsWith(base) && /^[A-Z]/.test(rest)) {
    return messageName + rest;
  }
  return messageName + structName;
}

export function parseMessage(json: JsonMessage): MessageDef {
  const structs: StructDef[] = [];
  const byName = new Map<string, StructDef>();
  const commonJson = new Map((json.commonStructs ?? []).map((c) => [c.name, c.fields]));

  const defineStruct = (name: string, fields: JsonField[]): StructDef => {
    const existing = byName.get(name);
    if (existing) return existing;
    const struct: StructDef = { name, typeName: structTypeName(json.name, name), fields: [] };
    byName.set(name, struct);
    structs.push(struct);
    struct.fields = fields.map(parseField);
    return struct;
  };

  const parseType = (type: string, field: JsonField): FieldType => {
    if (type.startsWith("[]")) return { kind: "array", element: parseType(type.slice(2), field) };
    if (PRIMITIVES.has(type)) return { kind: "primitive", name: type as PrimitiveName };
    const fields = field.fields ?? commonJson.get(type);
    if (!fields) throw new Error(`${json.name}: unknown type ${type} of field ${field.name}`);
    return { kind: "struct", struct: defineStruct(type, fields) };
  };

  const parseField = (f: JsonField): FieldDef => ({
    name: f.name,
    property: camelCase(f.name),
    type: parseType(f.type, f),
    versions: parseVersions(f.versions),
    nullableVersions: parseVersions(f.nullableVersions),
    flexibleVersions:
      f.flexibleVersions === undefined ? undefined : parseVersions(f.flexibleVersions),
    tag: f.tag === undefined ? null : Number(f.tag),
    taggedVersions: parseVersions(f.taggedVersions),
    default: f.default === undefined ? undefined : String(f.default),
    ignorable: f.ignorable ?? false,
    about: f.about ?? "",
  });

  const validVersions = parseVersions(json.validVersions);
  if (!validVersions) throw new Error(`${json.name}: no valid versions`);
  const root: StructDef = { name: json.name, typeName: json.name, fields: [] };
  root.fields = json.fields.map(parseField);
  return {
    name: json.name,
    kind: json.type,
    apiKey: json.apiKey ?? null,
    validVersions,
    flexibleVersions: parseVersions(json.flexibleVersions),
    latestVersionUnstable: json.latestVersionUnstable ?? false,
    root,
    structs,
    fileName: kebabCase(json.name),
  };
}

/** Data types the generator emits besides requests, responses and headers. */
const DATA_TYPES = new Set(["ConsumerProtocolSubscription", "ConsumerProtocolAssignment"]);

/** Loads every request, response and header definition (plus the consumer protocol types). */
export function loadMessages(dir: string): MessageDef[] {
  const messages: MessageDef[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".json")) continue;
    const json = JSON.parse(
      stripJsonComments(readFileSync(join(dir, file), "utf8")),
    ) as JsonMessage;
    const wanted =
      ((json.type === "request" || json.type === "response") && json.apiKey !== undefined) ||
      json.type === "header" ||
      (json.type === "data" && DATA_TYPES.has(json.name));
    if (wanted) messages.push(parseMessage(json));
  }
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const s of [m.root, ...m.structs]) {
      const other = names.get(s.typeName);
      if (other) throw new Error(`type name ${s.typeName} used by ${other} and ${m.name}`);
      names.set(s.typeName, m.name);
    }
  }
  return messages;
}

/** Whether the field is on the wire (tagged or not) in `version`. */
export function fieldInVersion(field: FieldDef, version: number): boolean {
  return inRange(field.versions, version);
}
