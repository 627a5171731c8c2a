/**
 * Emits one TypeScript module per message definition: interfaces, `defaultX()` constructors and
 * straight-line `encodeX`/`decodeX` functions (no closures or interpretive walkers, so V8 can
 * inline the Reader/Writer calls on the hot path).
 */
import type { FieldDef, FieldType, MessageDef, StructDef, VersionRange } from "./definitions.ts";

/** Boolean expression over `version` for `range` within the message's valid versions. */
export function versionCondition(range: VersionRange | null, valid: VersionRange): string {
  if (range === null || range.min > valid.max || range.max < valid.min) return "false";
  const parts: string[] = [];
  if (range.min > valid.min) parts.push(`version >= ${range.min}`);
  if (range.max < valid.max) parts.push(`version <= ${range.max}`);
  return parts.length === 0 ? "true" : parts.join(" && ");
}

function pick(cond: string, a: string, b: string): string {
  if (cond === "true" || a === b) return a;
  if (cond === "false") return b;
  return `(${cond} ? ${a} : ${b})`;
}

/** Statements for `if (cond) then else otherwise`, folding constant conditions. */
function branch(cond: string, then: string[], otherwise: string[] = []): string[] {
  if (cond === "true") return then;
  if (cond === "false") return otherwise;
  if (otherwise.length === 0) return [`if (${cond}) {`, ...indent(then), "}"];
  return [`if (${cond}) {`, ...indent(then), "} else {", ...indent(otherwise), "}"];
}

function indent(lines: string[]): string[] {
  return lines.map((l) => (l === "" ? l : `  ${l}`));
}

export function functionSuffix(message: MessageDef, struct: StructDef): string {
  return message.kind === "header" && struct === message.root
    ? `${struct.typeName}AtVersion`
    : struct.typeName;
}

interface Context {
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

function tsType(type: FieldType): string {
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

function fieldType(field: FieldDef): string {
  return field.nullableVersions ? `${tsType(field.type)} | null` : tsType(field.type);
}

function defaultValue(field: FieldDef, ctx: Context): string {
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

const FIXED_READS: Record<string, string> = {
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

function primitiveRead(name: string, nullable: string, ctx: Context): string {
  const r = ctx.reader;
  const fixed = FIXED_READS[name];
  if (fixed) return `${r}.${fixed}()`;
  const kind = name === "string" ? "String" : "Bytes";
  const lower = kind.toLowerCase();
  return pick(
    ctx.flex,
    pick(nullable, `${r}.compactNullable${kind}()`, `${r}.compact${kind}()`),
    pick(nullable, `${r}.nullable${kind}()`, `${r}.${lower}()`),
  );
}

/** Compactness for a field: the message's, unless the field overrides it (RequestHeader.ClientId). */
function fieldFlex(field: FieldDef, ctx: Context): string {
  return field.flexibleVersions === undefined
    ? ctx.flex
    : versionCondition(field.flexibleVersions, within(ctx.valid, field.versions));
}

/** Intersection of two ranges (the first when they do not overlap, conditions then fold to false). */
function within(a: VersionRange, b: VersionRange | null): VersionRange {
  if (b === null) return a;
  const min = Math.max(a.min, b.min);
  const max = Math.min(a.max, b.max);
  return min <= max ? { min, max } : a;
}

/** Versions in which each struct can occur: the hull of the ranges of the fields that hold it. */
function structReach(message: MessageDef): Map<StructDef, VersionRange> {
  const reach = new Map<StructDef, VersionRange>([[message.root, message.validVersions]]);
  const visit = (struct: StructDef, range: VersionRange) => {
    for (const f of struct.fields) {
      let t = f.type;
      while (t.kind === "array") t = t.element;
      if (t.kind !== "struct" || f.versions === null) continue;
      const min = Math.max(range.min, f.versions.min);
      const max = Math.min(range.max, f.versions.max);
      if (min > max) continue;
      const old = reach.get(t.struct);
      const next = old
        ? { min: Math.min(old.min, min), max: Math.max(old.max, max) }
        : { min, max };
      if (old && old.min === next.min && old.max === next.max) continue;
      reach.set(t.struct, next);
      visit(t.struct, next);
    }
  };
  visit(message.root, message.validVersions);
  return reach;
}

/** Statements assigning the decoded value of `field` to `target`. */
function readField(field: FieldDef, target: string, ctx: Context): string[] {
  const nullable = versionCondition(field.nullableVersions, within(ctx.valid, field.versions));
  const fctx = { ...ctx, flex: fieldFlex(field, ctx) };
  const type = field.type;
  if (type.kind === "primitive")
    return [`${target} = ${primitiveRead(type.name, nullable, fctx)};`];
  if (type.kind === "struct") {
    const call = `decode${type.struct.typeName}(${ctx.reader}, version)`;
    return [`${target} = ${pick(nullable, `${ctx.reader}.int8() < 0 ? null : ${call}`, call)};`];
  }
  const id = ctx.counter.n++;
  const n = `n${id}`;
  const a = `a${id}`;
  const r = ctx.reader;
  const lengthRead = pick(
    fctx.flex,
    pick(nullable, `${r}.compactNullableArrayLength()`, `${r}.compactArrayLength()`),
    pick(nullable, `${r}.nullableArrayLength()`, `${r}.arrayLength()`),
  );
  const element = type.element;
  let elementRead: string;
  if (element.kind === "primitive") elementRead = primitiveRead(element.name, "false", fctx);
  else if (element.kind === "struct")
    elementRead = `decode${element.struct.typeName}(${r}, version)`;
  else throw new Error(`${ctx.message.name}.${field.name}: nested arrays are not supported`);
  const fill = [
    `const ${a}: ${tsType(element)}[] = [];`,
    `for (let i = 0; i < ${n}; i++) ${a}.push(${elementRead});`,
    `${target} = ${a};`,
  ];
  return [
    `const ${n} = ${lengthRead};`,
    ...(nullable === "false"
      ? fill
      : [`if (${n} < 0) ${target} = null;`, "else {", ...indent(fill), "}"]),
  ];
}

const FIXED_WRITES = FIXED_READS;

function primitiveWrite(
  name: string,
  value: string,
  nullable: string,
  typeNullable: boolean,
  fieldName: string,
  ctx: Context,
): string {
  const w = ctx.writer;
  const fixed = FIXED_WRITES[name];
  if (fixed) return `${w}.${fixed}(${value});`;
  const kind = name === "string" ? "String" : "Bytes";
  const lower = kind.toLowerCase();
  let nonNullValue = value;
  if (typeNullable) {
    nonNullValue = `nonNull(${value}, ${JSON.stringify(fieldName)})`;
  }
  return (
    pick(
      ctx.flex,
      pick(
        nullable,
        `${w}.compactNullable${kind}(${value})`,
        `${w}.compact${kind}(${nonNullValue})`,
      ),
      pick(nullable, `${w}.nullable${kind}(${value})`, `${w}.${lower}(${nonNullValue})`),
    ) + ";"
  );
}

/** Statements writing `value` (an expression without side effects) for `field`. */
function writeField(field: FieldDef, value: string, ctx: Context): string[] {
  const nullable = versionCondition(field.nullableVersions, within(ctx.valid, field.versions));
  const typeNullable = field.nullableVersions !== null;
  const fctx = { ...ctx, flex: fieldFlex(field, ctx) };
  const type = field.type;
  const w = ctx.writer;
  const label = `${ctx.message.name}.${field.name}`;
  if (type.kind === "primitive") {
    return [primitiveWrite(type.name, value, nullable, typeNullable, label, fctx)];
  }
  if (type.kind === "struct") {
    const call = (v: string) => `encode${type.struct.typeName}(${w}, ${v}, version);`;
    if (!typeNullable) return [call(value)];
    return branch(
      nullable,
      [
        `if (${value} === null) ${w}.int8(-1);`,
        "else {",
        `  ${w}.int8(1);`,
        `  ${call(value)}`,
        "}",
      ],
      [call(`nonNull(${value}, ${JSON.stringify(label)})`)],
    );
  }
  const id = ctx.counter.n++;
  const a = `a${id}`;
  const element = type.element;
  let elementWrite: string;
  if (element.kind === "primitive") {
    elementWrite = primitiveWrite(element.name, `${a}[i]!`, "false", false, label, fctx);
  } else if (element.kind === "struct") {
    elementWrite = `encode${element.struct.typeName}(${w}, ${a}[i]!, version);`;
  } else throw new Error(`${label}: nested arrays are not supported`);
  const body = [
    pick(fctx.flex, `${w}.uvarint(${a}.length + 1)`, `${w}.int32(${a}.length)`) + ";",
    `for (let i = 0; i < ${a}.length; i++) ${elementWrite}`,
  ];
  if (!typeNullable) return [`const ${a} = ${value};`, ...body];
  return branch(
    nullable,
    [
      `const ${a} = ${value};`,
      `if (${a} === null) ${pick(fctx.flex, `${w}.uvarint(0)`, `${w}.int32(-1)`)};`,
      "else {",
      ...indent(body),
      "}",
    ],
    [`const ${a} = nonNull(${value}, ${JSON.stringify(label)});`, ...body],
  );
}

/** Expression true when a tagged field holds something other than its default (so is written). */
function nonDefault(field: FieldDef, value: string, ctx: Context): string {
  const type = field.type;
  const d = defaultValue(field, ctx);
  if (type.kind === "array") {
    if (d === "null") return `${value} !== null`;
    return field.nullableVersions
      ? `(${value} === null || ${value}.length !== 0)`
      : `${value}.length !== 0`;
  }
  if (type.kind === "struct") {
    if (d === "null") return `${value} !== null`;
    // Field by field against the struct's defaults, so default-valued tagged structs (such as
    // Fetch's CurrentLeader) stay off the wire as in Kafka.
    const parts = type.struct.fields.map((f) => nonDefault(f, `${value}.${f.property}`, ctx));
    if (parts.includes("true")) return "true";
    parts.push(`${value}.unknownTaggedFields !== undefined`);
    return `(${parts.join(" || ")})`;
  }
  if (type.name === "bytes" || type.name === "records") {
    if (d === "null") return `${value} !== null`;
    return field.nullableVersions
      ? `(${value} === null || ${value}.length !== 0)`
      : `${value}.length !== 0`;
  }
  return `${value} !== ${d}`;
}

/**
 * As Kafka does: a field the version cannot carry must hold its default unless it is ignorable,
 * so a message shaped for the wrong version fails loudly instead of silently losing data.
 */
function rejectIfSet(field: FieldDef, ctx: Context): string[] {
  if (field.ignorable) return [];
  const test = nonDefault(field, `msg.${field.property}`, ctx);
  if (test === "true") return [];
  const label = JSON.stringify(`${ctx.message.name}.${field.name}`);
  return [`if (${test}) throw new UnsupportedFieldError(${label}, version);`];
}

function isFlexibleSomewhere(message: MessageDef): boolean {
  return versionCondition(message.flexibleVersions, message.validVersions) !== "false";
}

function emitInterface(struct: StructDef, message: MessageDef): string[] {
  const lines = [`export interface ${struct.typeName} {`];
  for (const f of struct.fields) {
    const about = f.about.replace(/\*\//g, "* /");
    const versions = f.versions
      ? `v${f.versions.min}${f.versions.max === Infinity ? "+" : `-${f.versions.max}`}`
      : "never";
    const tagged = f.tag !== null ? `, tag ${f.tag}` : "";
    lines.push(`  /** ${about} (${versions}${tagged}) */`, `  ${f.property}: ${fieldType(f)};`);
  }
  if (isFlexibleSomewhere(message)) {
    lines.push("  /** Tagged fields this codec does not know, preserved on re-encode. */");
    lines.push("  unknownTaggedFields?: RawTaggedField[];");
  }
  lines.push("}");
  return lines;
}

function emitDefault(struct: StructDef, ctx: Context): string[] {
  return [
    `export function default${struct.typeName}(): ${struct.typeName} {`,
    "  return {",
    ...struct.fields.map((f) => `    ${f.property}: ${defaultValue(f, ctx)},`),
    "  };",
    "}",
  ];
}

function emitDecode(struct: StructDef, ctx: Context): string[] {
  const m = ctx.message;
  const valid = ctx.valid;
  const flexCond = versionCondition(m.flexibleVersions, valid);
  const flex = flexCond === "true" || flexCond === "false" ? flexCond : "flexible";
  const c: Context = { ...ctx, flex, reader: "r" };
  const body: string[] = [];
  if (flex === "flexible") body.push(`const flexible = ${flexCond};`);
  for (const f of struct.fields) {
    // Fields always on the wire need no default (saves building default structs per decode).
    const always = f.tag === null && versionCondition(f.versions, valid) === "true";
    body.push(`let ${f.property}: ${fieldType(f)}${always ? "" : ` = ${defaultValue(f, c)}`};`);
  }
  for (const f of struct.fields) {
    if (f.tag !== null) continue;
    body.push(...branch(versionCondition(f.versions, valid), readField(f, f.property, c)));
  }
  const tagged = struct.fields.filter((f) => f.tag !== null);
  if (flex !== "false") {
    body.push("let unknownTaggedFields: RawTaggedField[] | undefined;");
    const section = [
      "const tagCount = r.uvarint();",
      "for (let t = 0; t < tagCount; t++) {",
      "  const tag = r.uvarint();",
      "  const size = r.uvarint();",
      "  r.need(size);",
      "  const end = r.offset + size;",
    ];
    const tc: Context = { ...c, reader: "tr", flex: "true" };
    let chain = "  ";
    for (const f of tagged) {
      const cond = versionCondition(f.taggedVersions, valid);
      if (cond === "false") continue;
      section.push(`${chain}if (tag === ${f.tag}${cond === "true" ? "" : ` && ${cond}`}) {`);
      section.push("    const tr = new Reader(r.buf, r.offset, end);");
      section.push(...indent(indent(readField(f, f.property, tc))));
      chain = "  } else ";
    }
    const unknown =
      "(unknownTaggedFields ??= []).push({ tag, data: r.buf.subarray(r.offset, end) });";
    if (chain === "  ") section.push(`  ${unknown}`);
    else section.push("  } else {", `    ${unknown}`, "  }");
    section.push("  r.offset = end;", "}");
    body.push(...branch(flex, section));
  }
  const props = struct.fields.map((f) => f.property);
  if (flex !== "false") props.push("unknownTaggedFields");
  body.push(`return { ${props.join(", ")} };`);
  return [
    `export function decode${functionSuffix(m, struct)}(r: Reader, version: number): ${struct.typeName} {`,
    ...indent(body),
    "}",
  ];
}

function emitEncode(struct: StructDef, ctx: Context): string[] {
  const m = ctx.message;
  const valid = ctx.valid;
  const flexCond = versionCondition(m.flexibleVersions, valid);
  const flex = flexCond === "true" || flexCond === "false" ? flexCond : "flexible";
  const c: Context = { ...ctx, flex, writer: "w" };
  const body: string[] = [];
  if (flex === "flexible") body.push(`const flexible = ${flexCond};`);
  for (const f of struct.fields) {
    if (f.tag !== null) continue;
    const write = writeField(f, `msg.${f.property}`, c);
    body.push(...branch(versionCondition(f.versions, valid), write, rejectIfSet(f, c)));
  }
  if (flex !== "false") {
    const section: string[] = ["let tagged: RawTaggedField[] | undefined;"];
    const tc: Context = { ...c, writer: "tw", flex: "true" };
    for (const f of struct.fields) {
      if (f.tag === null) continue;
      const cond = versionCondition(f.taggedVersions, valid);
      const value = `msg.${f.property}`;
      const write = [
        `if (${nonDefault(f, value, c)}) {`,
        "  const tw = new Writer(64);",
        ...indent(writeField(f, value, tc)),
        `  (tagged ??= []).push({ tag: ${f.tag}, data: tw.finish() });`,
        "}",
      ];
      section.push(...branch(cond, write, rejectIfSet(f, c)));
    }
    if (section.length === 1) section.length = 0;
    section.push(
      `writeTaggedFields(w, ${section.length ? "tagged" : "undefined"}, msg.unknownTaggedFields);`,
    );
    body.push(...branch(flex, section));
  }
  return [
    `export function encode${functionSuffix(m, struct)}(w: Writer, msg: ${struct.typeName}, version: number): void {`,
    ...indent(body),
    "}",
  ];
}

export function emitMessage(message: MessageDef): string {
  const reach = structReach(message);
  const counter = { n: 0 };
  const ctxFor = (s: StructDef): Context => ({
    message,
    valid: reach.get(s) ?? message.validVersions,
    flex: "false",
    reader: "r",
    writer: "w",
    counter,
  });
  const structs = [message.root, ...message.structs];
  const out: string[] = [];
  for (const s of structs) out.push(...emitInterface(s, message), "");
  for (const s of structs) out.push(...emitDefault(s, ctxFor(s)), "");
  for (const s of structs) out.push(...emitDecode(s, ctxFor(s)), "");
  for (const s of structs) out.push(...emitEncode(s, ctxFor(s)), "");

  const range = (v: VersionRange | null) =>
    v ? `${v.min}${v.max === Infinity ? "+" : `-${v.max}`}` : "none";
  const text = out.join("\n");
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(text);
  const header = [
    "// Generated by scripts/codegen.ts from Kafka's message definitions. Do not edit.",
    `// ${message.name}: ${message.kind}${message.apiKey !== null ? `, apiKey ${message.apiKey}` : ""}, ` +
      `versions ${range(message.validVersions)}, flexible ${range(message.flexibleVersions)}.`,
    `import ${text.includes("new Reader(") ? "" : "type "}{ Reader } from "../primitives/reader.ts";`,
    `import ${text.includes("new Writer(") ? "" : "type "}{ Writer } from "../primitives/writer.ts";`,
  ];
  if (uses("ZERO_UUID")) header.push('import { ZERO_UUID } from "../primitives/uuid.ts";');
  const support = ["EMPTY_BUFFER", "UnsupportedFieldError", "nonNull", "writeTaggedFields"].filter(
    uses,
  );
  if (uses("RawTaggedField")) support.unshift("type RawTaggedField");
  if (support.length) {
    header.push(`import { ${support.join(", ")} } from "../primitives/generated-support.ts";`);
  }
  return [...header, "", ...out].join("\n");
}
