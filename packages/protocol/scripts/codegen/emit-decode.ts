/** Emits `decodeX(r, version)` functions: straight-line reads, then the tagged-field section. */
import type { FieldDef, StructDef } from "./definitions.ts";
import { branch, indent, pick, versionCondition, within } from "./conditions.ts";
import {
  type Context,
  FIXED_WIDTH,
  defaultValue,
  fieldFlex,
  fieldType,
  functionSuffix,
  tsType,
} from "./fields.ts";

function primitiveRead(name: string, nullable: string, ctx: Context): string {
  const r = ctx.reader;
  const fixed = FIXED_WIDTH[name];
  if (fixed) return `${r}.${fixed}()`;
  const kind = name === "string" ? "String" : "Bytes";
  const lower = kind.toLowerCase();
  return pick(
    ctx.flex,
    pick(nullable, `${r}.compactNullable${kind}()`, `${r}.compact${kind}()`),
    pick(nullable, `${r}.nullable${kind}()`, `${r}.${lower}()`),
  );
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

export function emitDecode(struct: StructDef, ctx: Context): string[] {
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
