/**
 * Version conditions for generated code: a field's version range becomes a boolean expression
 * over `version`, simplified against the versions in which its struct can occur, and constant
 * conditions fold away so the emitted code stays straight-line.
 */
import type { MessageDef, StructDef, VersionRange } from "./definitions.ts";

/** Boolean expression over `version` for `range` within the message's valid versions. */
export function versionCondition(range: VersionRange | null, valid: VersionRange): string {
  if (range === null || range.min > valid.max || range.max < valid.min) return "false";
  const parts: string[] = [];
  if (range.min > valid.min) parts.push(`version >= ${range.min}`);
  if (range.max < valid.max) parts.push(`version <= ${range.max}`);
  return parts.length === 0 ? "true" : parts.join(" && ");
}

/** Intersection of two ranges (the first when they do not overlap, conditions then fold to false). */
export function within(a: VersionRange, b: VersionRange | null): VersionRange {
  if (b === null) return a;
  const min = Math.max(a.min, b.min);
  const max = Math.min(a.max, b.max);
  return min <= max ? { min, max } : a;
}

/** Versions in which each struct can occur: the hull of the ranges of the fields that hold it. */
export function structReach(message: MessageDef): Map<StructDef, VersionRange> {
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

export function pick(cond: string, a: string, b: string): string {
  if (cond === "true" || a === b) return a;
  if (cond === "false") return b;
  return `(${cond} ? ${a} : ${b})`;
}

/** Statements for `if (cond) then else otherwise`, folding constant conditions. */
export function branch(cond: string, then: string[], otherwise: string[] = []): string[] {
  if (cond === "true") return then;
  if (cond === "false") return otherwise;
  if (otherwise.length === 0) return [`if (${cond}) {`, ...indent(then), "}"];
  return [`if (${cond}) {`, ...indent(then), "} else {", ...indent(otherwise), "}"];
}

export function indent(lines: string[]): string[] {
  return lines.map((l) => (l === "" ? l : `  ${l}`));
}
