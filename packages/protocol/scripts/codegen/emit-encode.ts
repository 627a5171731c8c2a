/**
 * Emits `encodeX(w, msg, version)` functions: straight-line writes, version checks for fields a
 * version cannot carry, then the tagged-field section.
 */
import type { FieldDef, StructDef } from "./definitions.ts";
import { branch, indent, pick, versionCondition, within } from "./conditions.ts";
import { type Context, FIXED_WIDTH, defaultValue, fieldFlex, functionSuffix } from "./fields.ts";

function primitiveWrite(
  name: string,
  value: string,
  nullable: string,
  typeNullable: boolean,
  fieldName: string,
  ctx: Context,
): string {
  const w = ctx.writer;
  const fixed = FIXED_WIDTH[name];
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

export function emitEncode(struct: StructDef, ctx: Context): string[] {
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
