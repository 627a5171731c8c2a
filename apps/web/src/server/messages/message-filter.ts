import type { MessageFilter } from "./schemas.ts";

export interface FilterableMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

/** `$.a.b[0]["c d"]` (the `$` is optional) as property names and array indexes. */
export function parseJsonPath(path: string): (string | number)[] {
  const rest = path.trim().replace(/^\$/, "");
  const steps: (string | number)[] = [];
  const step = /\.([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]|^([^.[\]]+)/y;
  while (step.lastIndex < rest.length) {
    const at = step.lastIndex;
    const m = step.exec(rest);
    if (!m || step.lastIndex === at) throw new Error(`Not a JSON path: ${path}`);
    steps.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
  }
  return steps;
}

function atPath(document: unknown, steps: (string | number)[]): { found: boolean; value: unknown } {
  let current = document;
  for (const s of steps) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, s))
      return { found: false, value: undefined };
    current = (current as Record<string | number, unknown>)[s];
  }
  return { found: true, value: current };
}

function parseJson(bytes: Buffer | null): unknown {
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Whether a message passes the browser's filter (no filter: every message does). */
export function compileFilter(filter: MessageFilter | null): (m: FilterableMessage) => boolean {
  if (!filter) return () => true;
  if (filter.mode === "contains") {
    const needle = filter.query.toLowerCase();
    const has = (b: Buffer | null) =>
      b !== null && b.toString("utf8").toLowerCase().includes(needle);
    const target = filter.target;
    if (target === "headers")
      return (m) => m.headers.some((h) => h.key.toLowerCase().includes(needle) || has(h.value));
    return (m) => has(m[target]);
  }
  const steps = parseJsonPath(filter.query);
  const target = filter.target;
  // Headers read as an object of their values (JSON when they parse, text otherwise).
  const document = (m: FilterableMessage) =>
    target === "headers"
      ? Object.fromEntries(
          m.headers.map((h) => [h.key, parseJson(h.value) ?? h.value?.toString("utf8") ?? null]),
        )
      : parseJson(m[target]);
  return (m) => {
    const { found, value } = atPath(document(m), steps);
    if (!found) return false;
    if (filter.equals === undefined) return true;
    return (typeof value === "string" ? value : JSON.stringify(value)) === filter.equals;
  };
}
