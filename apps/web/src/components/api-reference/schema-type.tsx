import type { OpenApiDocument } from "@/server/rest-api/openapi";

type Components = NonNullable<OpenApiDocument["components"]>;
/** A schema of the document, or a reference to one of its named schemas. */
export type SchemaOrRef = NonNullable<Components["schemas"]>[string];

export function refName(schema: SchemaOrRef): string | null {
  return "$ref" in schema && schema.$ref ? (schema.$ref.split("/").at(-1) ?? null) : null;
}

/** A one-line type: `string (date-time)`, `"hour" | "day"`, `array of UsageRow` with links. */
export function SchemaType({ schema }: { schema: SchemaOrRef }) {
  const name = refName(schema);
  if (name)
    return (
      <a className="text-primary hover:underline" href={`#schema-${name}`}>
        {name}
      </a>
    );
  if ("$ref" in schema) return null;
  if (schema.enum) return <>{schema.enum.map((v) => JSON.stringify(v)).join(" | ")}</>;
  if (schema.type === "array" && schema.items)
    return (
      <>
        array of <SchemaType schema={schema.items} />
      </>
    );
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  return <>{schema.format ? `${type} (${schema.format})` : type}</>;
}

/** Descriptions use Markdown backticks for code; nothing else of Markdown is rendered. */
export function Prose({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      {text.split("`").map((part, i) =>
        i % 2 ? (
          <code key={i} className="rounded bg-muted px-1 font-mono text-xs">
            {part}
          </code>
        ) : (
          part
        ),
      )}
    </>
  );
}
