/** A statement for pg: text with $1..$n and the values in that order. */
export interface Statement {
  text: string;
  values: unknown[];
}

// `:name` not preceded by a colon or a word character, so `::uuid[]` casts are left alone.
const PARAMETER = /(?<![:\w]):([a-zA-Z]\w*)/g;

const compiled = new Map<string, { text: string; names: string[] }>();

/**
 * A statement written with named parameters (`:topicIds::uuid[]`), for statements with more than
 * a handful: pg only knows $1..$n, and long positional lists are easy to get out of step.
 * Every name must have a value and every value a use; a `:name` inside a string literal is
 * taken for a parameter too, so statements keep such text in parameters.
 */
export function named(text: string, params: Record<string, unknown>): Statement {
  let statement = compiled.get(text);
  if (!statement) {
    const names: string[] = [];
    const positional = text.replace(PARAMETER, (_, name: string) => {
      if (!names.includes(name)) names.push(name);
      return `$${names.indexOf(name) + 1}`;
    });
    statement = { text: positional, names };
    compiled.set(text, statement);
  }
  const missing = statement.names.filter((name) => !(name in params));
  const unused = Object.keys(params).filter((name) => !statement.names.includes(name));
  if (missing.length > 0 || unused.length > 0)
    throw new Error(`parameters missing: [${missing.join(", ")}], unused: [${unused.join(", ")}]`);
  return { text: statement.text, values: statement.names.map((name) => params[name]) };
}
